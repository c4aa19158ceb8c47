package io.mqttbridge.tests.source;

import io.mqttbridge.local.EmbeddedHiveMq;
import io.mqttbridge.local.MosquittoBroker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** A broker the ITs run against: embedded HiveMQ CE or a Mosquitto process, both on loopback. */
public final class TestBroker implements AutoCloseable {

    /** Which broker; the name shows in parameterized test names. */
    public enum Kind {
        HIVEMQ,
        MOSQUITTO
    }

    private final Kind kind;
    private final Runnable stop;
    private final String serverUri;

    private TestBroker(Kind kind, Runnable stop, String serverUri) {
        this.kind = kind;
        this.stop = stop;
        this.serverUri = serverUri;
    }

    public static TestBroker start(Kind kind, int port, Path folder) throws IOException {
        if (kind == Kind.HIVEMQ) {
            EmbeddedHiveMq hivemq = EmbeddedHiveMq.start(port, folder.resolve("hivemq-" + port));
            return new TestBroker(kind, hivemq::close, hivemq.serverUri());
        }
        MosquittoBroker mosquitto = MosquittoBroker.start(port, folder.resolve("mosquitto"));
        return new TestBroker(kind, mosquitto::close, mosquitto.serverUri());
    }

    /** One broker of each kind, each on a free port, for a test class that runs against both. */
    public static Map<Kind, TestBroker> startAll(Path folder) throws IOException {
        Map<Kind, TestBroker> brokers = new EnumMap<>(Kind.class);
        try {
            for (Kind kind : Kind.values()) {
                brokers.put(kind, start(kind, MosquittoBroker.freePort(), folder));
            }
        } catch (IOException | RuntimeException e) {
            closeAll(brokers); // the ones already up would outlive the failed class
            throw e;
        }
        return brokers;
    }

    /** Closes every broker of {@link #startAll}; {@code null} (start failed) is nothing to close. */
    public static void closeAll(Map<Kind, TestBroker> brokers) {
        if (brokers == null) {
            return;
        }
        for (TestBroker broker : brokers.values()) {
            broker.close();
        }
    }

    public Kind kind() {
        return kind;
    }

    public String serverUri() {
        return serverUri;
    }

    @Override
    public void close() {
        stop.run();
    }

    @Override
    public String toString() {
        return kind.name();
    }
}
