package io.mqttbridge.tests.support;

import io.mqttbridge.embedded.EmbeddedArtemis;
import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.LoopbackBroker;
import io.mqttbridge.embedded.MosquittoBroker;

import java.io.IOException;
import java.nio.file.Path;

/** An MQTT broker a test runs against, on loopback: embedded HiveMQ CE, a Mosquitto process or embedded
 * ActiveMQ Artemis. */
public final class TestBroker implements AutoCloseable {

    /** Which broker; the name shows in parameterized test names. */
    public enum Kind {
        HIVEMQ,
        MOSQUITTO,
        ARTEMIS
    }

    private final Kind kind;
    private final LoopbackBroker broker;

    private TestBroker(Kind kind, LoopbackBroker broker) {
        this.kind = kind;
        this.broker = broker;
    }

    /** Starts a broker of {@code kind} on a free port; its files go below {@code folder}. */
    public static TestBroker start(Kind kind, Path folder) throws IOException {
        return start(kind, FreePorts.pick(), folder);
    }

    /**
     * Starts a broker of {@code kind} on 127.0.0.1:{@code port} (e.g. the port a running job already
     * tries to reach); its files go to a subfolder of {@code folder} named after the broker and port,
     * so that several brokers can share {@code folder}.
     */
    public static TestBroker start(Kind kind, int port, Path folder) throws IOException {
        switch (kind) {
            case HIVEMQ:
                return new TestBroker(kind, EmbeddedHiveMq.start(port, folder.resolve("hivemq-" + port)));
            case ARTEMIS:
                return new TestBroker(kind, EmbeddedArtemis.start(port, folder.resolve("artemis-" + port)));
            default:
                return new TestBroker(kind, MosquittoBroker.start(port, folder.resolve("mosquitto-" + port)));
        }
    }

    public Kind kind() {
        return kind;
    }

    public int port() {
        return broker.port();
    }

    public String serverUri() {
        return broker.serverUri();
    }

    @Override
    public void close() {
        broker.close();
    }

    @Override
    public String toString() {
        return kind.name();
    }
}
