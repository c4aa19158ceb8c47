package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import java.nio.file.Path;

/** An MQTT broker this JVM started on 127.0.0.1, with its files (config, data, log) in one folder. */
@PublicEvolving
public abstract class LoopbackBroker implements AutoCloseable {

    private final int port;
    private final Path folder;

    protected LoopbackBroker(int port, Path folder) {
        this.port = port;
        this.folder = folder;
    }

    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:<port>}, as a source's 'server-uri' takes it. */
    public String serverUri() {
        return "tcp://127.0.0.1:" + port;
    }

    public Path folder() {
        return folder;
    }

    /** Stops the broker; bounded, never throws (a test or the stack ends next anyway). */
    @Override
    public abstract void close();
}
