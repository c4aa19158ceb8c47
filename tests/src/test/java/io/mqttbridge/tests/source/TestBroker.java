package io.mqttbridge.tests.source;

import io.mqttbridge.local.EmbeddedHiveMq;
import io.mqttbridge.local.MosquittoBroker;

import java.io.IOException;
import java.nio.file.Path;

/** A broker the ITs run against: embedded HiveMQ CE or a Mosquitto process, both on loopback. */
public final class TestBroker implements AutoCloseable {

    /** Which broker; the name shows in parameterized test names. */
    public enum Kind {
        HIVEMQ,
        MOSQUITTO
    }

    private final Kind kind;
    private final AutoCloseable broker;
    private final String serverUri;

    private TestBroker(Kind kind, AutoCloseable broker, String serverUri) {
        this.kind = kind;
        this.broker = broker;
        this.serverUri = serverUri;
    }

    public static TestBroker start(Kind kind, int port, Path folder) throws IOException {
        if (kind == Kind.HIVEMQ) {
            EmbeddedHiveMq hivemq = EmbeddedHiveMq.start(port, folder.resolve("hivemq-" + port));
            return new TestBroker(kind, hivemq, hivemq.serverUri());
        }
        MosquittoBroker mosquitto = MosquittoBroker.start(port, folder.resolve("mosquitto"));
        return new TestBroker(kind, mosquitto, mosquitto.serverUri());
    }

    public Kind kind() {
        return kind;
    }

    public String serverUri() {
        return serverUri;
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }

    @Override
    public String toString() {
        return kind.name();
    }
}
