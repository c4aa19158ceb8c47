package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedArtemis;
import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.LoopbackBroker;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.embedded.PublisherFields;

import com.hivemq.configuration.service.InternalConfigurations;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The brokers the suite measures, each in a JVM of its own; {@link #cliName()} is the name on the command line. */
enum BrokerSetup {
    HIVEMQ("HiveMQ CE, embedded as the local stack configures it (window 10,000)"),
    HIVEMQ_DEFAULT_WINDOW("HiveMQ CE, embedded, its default window (50)"),
    MOSQUITTO("Mosquitto from Debian"),
    ARTEMIS("Apache ActiveMQ Artemis, embedded");

    /** HiveMQ CE's own in-flight window per connection (InternalConfigurations' initial value). */
    static final int HIVEMQ_STOCK_WINDOW = 50;

    final String title;

    BrokerSetup(String title) {
        this.title = title;
    }

    String cliName() {
        return name().toLowerCase(Locale.ROOT).replace("_window", "").replace('_', '-');
    }

    /**
     * HiveMQ CE's in-flight window per connection: the messages it sends a subscriber before one is
     * acknowledged; 0 for the brokers whose window is not the limit here.
     */
    int window() {
        switch (this) {
            case HIVEMQ:
                return EmbeddedHiveMq.INFLIGHT_WINDOW;
            case HIVEMQ_DEFAULT_WINDOW:
                return HIVEMQ_STOCK_WINDOW;
            default:
                return 0;
        }
    }

    /**
     * Whether the broker keeps each connection's unacknowledged messages within the Receive Maximum the
     * client sends: Artemis does. HiveMQ CE applies its own window whatever the client sends, and Mosquitto
     * 2.0.11 overruns a full window (eclipse/mosquitto#2306, brokers.md), so neither can show the source's.
     */
    boolean honoursReceiveMaximum() {
        return this == ARTEMIS;
    }

    static BrokerSetup parse(String cliName) {
        return Arrays.stream(values())
                .filter(s -> s.cliName().equals(cliName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Invalid value '" + cliName + "' for option '--brokers': expected "
                        + Arrays.stream(values()).map(BrokerSetup::cliName).collect(Collectors.joining(", "))));
    }

    /** Starts the broker on a free loopback port, its files below {@code folder}. */
    LoopbackBroker start(Path folder) throws IOException {
        int port = FreePorts.pick();
        switch (this) {
            case HIVEMQ:
                return startHiveMq(port, folder);
            case HIVEMQ_DEFAULT_WINDOW:
                LoopbackBroker broker = startHiveMq(port, folder);
                // HiveMQ CE reads this static on every poll of a client's queue, so setting it back after the
                // start gives the stock window; a static, hence a JVM of its own for this setup.
                InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = HIVEMQ_STOCK_WINDOW;
                return broker;
            case ARTEMIS:
                return EmbeddedArtemis.start(port, folder.resolve("artemis"));
            default:
                return MosquittoBroker.start(port, folder.resolve("mosquitto"));
        }
    }

    /** As LocalStack starts it: raised window and queue, publisher fields stamped on every message. */
    private static LoopbackBroker startHiveMq(int port, Path folder) throws IOException {
        return EmbeddedHiveMq.start(port, folder.resolve("hivemq"), EmbeddedHiveMq.MAX_QUEUE_SIZE, PublisherFields.ADD_MISSING);
    }
}
