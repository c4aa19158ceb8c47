package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ CE in this JVM, on loopback, configured for ack-on-checkpoint consumers: the in-flight
 * window per connection (an internal constant, 50 by default) and the per-client queue (1000 by
 * default, the rest discarded) are both raised, or a subscriber that holds acks until a checkpoint
 * is throttled to 50 messages per interval and the broker silently drops the overflow.
 */
@PublicEvolving
public final class EmbeddedHiveMq extends LoopbackBroker {

    /**
     * Unacknowledged QoS 1/2 messages per connection (the client's Receive Maximum still applies).
     * Not 65,535: HiveMQ CE takes a whole window of packet ids from the client's pool (65,535 ids)
     * for each poll of its queue, so with a window as large as the pool a second concurrent poll
     * finds no id ("No message id available for client"), is dropped, and delivery to that client
     * can stall. HiveMQ CE uses the smaller of this and the client's Receive Maximum; 10,000 leaves
     * room for six polls at once.
     */
    public static final int INFLIGHT_WINDOW = 10_000;

    /** Messages queued per client beyond the window before the broker discards. */
    public static final int MAX_QUEUE_SIZE = 1_000_000;

    /** HiveMQ CE's own default of {@code max-queue-size}: what a stock installation keeps per client. */
    public static final int STOCK_MAX_QUEUE_SIZE = 1000;

    private static final long STOP_TIMEOUT_SECONDS = 15;

    private final EmbeddedHiveMQ broker;

    private EmbeddedHiveMq(int port, Path folder, EmbeddedHiveMQ broker) {
        super(port, folder);
        this.broker = broker;
    }

    /** Starts a broker listening on 127.0.0.1:{@code port}; its config and data live in {@code folder}. */
    public static EmbeddedHiveMq start(int port, Path folder) throws IOException {
        return start(port, folder, MAX_QUEUE_SIZE);
    }

    /**
     * As {@link #start(int, Path)}, keeping at most {@code maxQueueSize} messages per client
     * ({@link #STOCK_MAX_QUEUE_SIZE} = a stock HiveMQ CE) and discarding the newest beyond that.
     */
    public static EmbeddedHiveMq start(int port, Path folder, int maxQueueSize) throws IOException {
        return start(port, folder, maxQueueSize, PublisherFields.OFF, false);
    }

    /**
     * As {@link #start(int, Path, int)}, stamping the publisher fields on every message as user
     * properties unless {@code publisherFields} is {@link PublisherFields#OFF} (see
     * {@link PublisherFieldsExtension}). The local stack turns this on; tests that need a stock broker
     * leave it off.
     */
    public static EmbeddedHiveMq start(int port, Path folder, int maxQueueSize, PublisherFields publisherFields)
            throws IOException {
        return start(port, folder, maxQueueSize, publisherFields, false);
    }

    /**
     * As {@link #start(int, Path, int)}; with {@code filePersistence} the broker keeps its sessions,
     * subscriptions and queued messages in {@code <folder>/data} (HiveMQ CE's file persistence:
     * RocksDB and Xodus), so a broker started again on the same folder resumes them. Without it
     * (in-memory), a restart loses every session.
     */
    public static EmbeddedHiveMq start(int port, Path folder, int maxQueueSize, boolean filePersistence) throws IOException {
        return start(port, folder, maxQueueSize, PublisherFields.OFF, filePersistence);
    }

    /** The general form of the overloads above. */
    public static EmbeddedHiveMq start(
            int port, Path folder, int maxQueueSize, PublisherFields publisherFields, boolean filePersistence)
            throws IOException {
        Path config = Files.createDirectories(folder.resolve("conf"));
        Path data = Files.createDirectories(folder.resolve("data"));
        Path extensions = Files.createDirectories(folder.resolve("extensions"));
        Files.writeString(config.resolve("config.xml"), configXml(port, maxQueueSize, filePersistence), StandardCharsets.UTF_8);
        // Read once when the broker starts; there is no config.xml element for it.
        InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = INFLIGHT_WINDOW;
        EmbeddedHiveMQBuilder builder =
                EmbeddedHiveMQ.builder()
                        .withConfigurationFolder(config)
                        .withDataFolder(data)
                        .withExtensionsFolder(extensions)
                        .withoutLoggingBootstrap();
        if (publisherFields != PublisherFields.OFF) {
            builder = builder.withEmbeddedExtension(PublisherFieldsExtension.embedded(publisherFields));
        }
        EmbeddedHiveMQ broker = builder.build();
        try {
            broker.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            closeQuietly(broker);
            throw new IOException(
                    "HiveMQ CE did not start on 127.0.0.1:" + port
                            + " (is the port already in use? see the log for the broker's reason): " + e,
                    e);
        }
        return new EmbeddedHiveMq(port, folder, broker);
    }

    private static String configXml(int port, int maxQueueSize, boolean filePersistence) {
        return "<?xml version=\"1.0\"?>\n"
                + "<hivemq>\n"
                + "  <listeners>\n"
                + "    <tcp-listener><port>" + port + "</port><bind-address>127.0.0.1</bind-address></tcp-listener>\n"
                + "  </listeners>\n"
                + "  <mqtt>\n"
                + "    <queued-messages><max-queue-size>" + maxQueueSize + "</max-queue-size></queued-messages>\n"
                + "  </mqtt>\n"
                + "  <persistence><mode>" + (filePersistence ? "file" : "in-memory") + "</mode></persistence>\n"
                + "  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n"
                + "</hivemq>\n";
    }

    @Override
    public void close() {
        try {
            // Bounded: with a large backlog of shared-subscription messages HiveMQ CE can take minutes
            // to drain its event loops; the JVM (or the test) ends next anyway.
            broker.stop().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Stopping is best effort: the JVM or the test ends next.
        } finally {
            closeQuietly(broker);
        }
    }

    private static void closeQuietly(EmbeddedHiveMQ broker) {
        try {
            broker.close();
        } catch (Exception ignored) {
            // already stopped or never started
        }
    }
}
