package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Apache ActiveMQ Artemis in this JVM, with only an MQTT acceptor on 127.0.0.1, persistence in
 * {@code <folder>/data} (a broker started again on the same folder resumes its sessions and queued
 * messages), no security, and the address settings an ack-on-checkpoint consumer needs:
 * <ul>
 *   <li>{@code max-delivery-attempts -1} (unlimited): a message that comes back unacknowledged more often
 *       than this is dead-lettered or, with no dead-letter address (the default), dropped. Redeliveries to
 *       a reconnecting MQTT session did not count towards it here (12 arrived with the stock 10), but an
 *       ack-on-checkpoint consumer may return a message many times, and no broker-side path may drop
 *       what the bridge has not acknowledged;</li>
 *   <li>{@code address-full-policy PAGE}: a backlog beyond memory goes to disk instead of blocking or
 *       dropping publishers.</li>
 * </ul>
 * A shared subscription is one Artemis queue with the group's members as its consumers.
 */
@PublicEvolving
public final class EmbeddedArtemis extends LoopbackBroker {

    /** Artemis's own default of {@code max-delivery-attempts}; beyond it a message is dead-lettered or dropped. */
    public static final int STOCK_MAX_DELIVERY_ATTEMPTS = 10;

    /**
     * How often Artemis looks for expired MQTT sessions (its default is 5 s); short, so that a session
     * expiry of a few seconds in a test takes effect on time.
     */
    private static final long SESSION_SCAN_INTERVAL_MS = 500;

    private final EmbeddedActiveMQ broker;

    private EmbeddedArtemis(int port, Path folder, EmbeddedActiveMQ broker) {
        super(port, folder);
        this.broker = broker;
    }

    /** Starts Artemis with an MQTT acceptor on 127.0.0.1:{@code port}; its journal lives in {@code folder}. */
    public static EmbeddedArtemis start(int port, Path folder) throws IOException {
        return start(port, folder, -1);
    }

    /**
     * As {@link #start(int, Path)}, with {@code maxDeliveryAttempts} ({@link #STOCK_MAX_DELIVERY_ATTEMPTS}
     * = a stock Artemis, -1 = unlimited).
     */
    public static EmbeddedArtemis start(int port, Path folder, int maxDeliveryAttempts) throws IOException {
        Path data = Files.createDirectories(folder.resolve("data"));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        try {
            broker.setConfiguration(configuration(port, data, maxDeliveryAttempts));
            broker.start();
        } catch (Exception e) {
            stopQuietly(broker);
            throw new IOException(
                    "ActiveMQ Artemis did not start on 127.0.0.1:" + port
                            + " (is the port already in use? see the log for the broker's reason): " + e,
                    e);
        }
        return new EmbeddedArtemis(port, folder, broker);
    }

    private static Configuration configuration(int port, Path data, int maxDeliveryAttempts) throws Exception {
        AddressSettings everyAddress =
                new AddressSettings()
                        .setMaxDeliveryAttempts(maxDeliveryAttempts)
                        .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE);
        return new ConfigurationImpl()
                .setName("artemis-" + port)
                .setPersistenceEnabled(true)
                // NIO, not the native AIO journal: the same on every machine and no libaio needed.
                .setJournalType(JournalType.NIO)
                // No fsync per write: a test stops and restarts the broker, it never crashes the machine.
                .setJournalDatasync(false)
                .setJournalDirectory(data.resolve("journal").toString())
                .setBindingsDirectory(data.resolve("bindings").toString())
                .setPagingDirectory(data.resolve("paging").toString())
                .setLargeMessagesDirectory(data.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(data.toString())
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                // The analyzer stops a broker whose threads stall; on a busy 2-core test machine that
                // would be a false alarm.
                .setCriticalAnalyzer(false)
                .setMqttSessionScanInterval(SESSION_SCAN_INTERVAL_MS)
                .addAcceptorConfiguration("mqtt", "tcp://127.0.0.1:" + port + "?protocols=MQTT")
                .addAddressSetting("#", everyAddress);
    }

    @Override
    public void close() {
        stopQuietly(broker);
    }

    private static void stopQuietly(EmbeddedActiveMQ broker) {
        try {
            broker.stop();
        } catch (Exception e) {
            // Stopping is best effort: the JVM or the test ends next.
        }
    }
}
