package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A single-node Kafka (KRaft, broker and controller combined) in this JVM, listening on
 * 127.0.0.1. Built on Kafka's own {@link KafkaClusterTestKit}, so it runs the real broker code.
 *
 * <p>Settings suit one node: replication factors of the internal topics are 1 (so consumer groups
 * and transactions work), topics are created automatically on first use, and consumer groups
 * rebalance without the initial delay.
 */
@PublicEvolving
public final class EmbeddedKafka implements AutoCloseable {

    /** Under Kafka's name: the formatter's report belongs in the log file, not on the console. */
    private static final Logger FORMATTER_LOG = LoggerFactory.getLogger("org.apache.kafka.tools.StorageTool");

    /** Name of the listener clients use. */
    private static final String CLIENT_LISTENER = "LOCAL";

    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Admin admin;

    private final int requestedPort;

    private EmbeddedKafka(KafkaClusterTestKit cluster, String bootstrapServers, int requestedPort) {
        this.cluster = cluster;
        this.bootstrapServers = bootstrapServers;
        this.requestedPort = requestedPort;
        this.admin = Admin.create(adminProperties(bootstrapServers));
    }

    /**
     * Starts a broker on 127.0.0.1:{@code port} ({@code 0}: a free port, read it from {@link
     * #bootstrapServers()}). Its logs and metadata go under {@code dataDir}, which must be empty or
     * absent: a new cluster id is formatted each time. The directory is deleted on {@link #close()}.
     */
    public static EmbeddedKafka start(int port, Path dataDir) throws IOException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Kafka port must be 0 (free port) or 1..65535, got " + port);
        }
        Files.createDirectories(dataDir);
        try (var entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) {
                throw new IOException(
                        "Kafka data directory " + dataDir.toAbsolutePath()
                                + " is not empty; remove it or choose another one");
            }
        }
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes =
                    new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .setBaseDirectory(dataDir)
                            .build();
            String broker = nodes.brokerListenerName().value();
            String controller = nodes.controllerListenerName().value();
            cluster =
                    new KafkaClusterTestKit.Builder(nodes)
                            // The test kit pre-binds its broker and controller listeners to free
                            // ports on localhost and uses those sockets whatever port a listener
                            // names. Clients get a listener of their own, bound to the requested
                            // port on 127.0.0.1; the kit's listeners stay for broker-internal use.
                            .setConfigProp(
                                    "listeners",
                                    broker + "://localhost:0," + controller + "://localhost:0,"
                                            + CLIENT_LISTENER + "://127.0.0.1:" + port)
                            .setConfigProp(
                                    "listener.security.protocol.map",
                                    broker + ":PLAINTEXT," + controller + ":PLAINTEXT," + CLIENT_LISTENER + ":PLAINTEXT")
                            .setConfigProp("auto.create.topics.enable", "true")
                            .setConfigProp("num.partitions", "1")
                            .setConfigProp("offsets.topic.replication.factor", "1")
                            .setConfigProp("offsets.topic.num.partitions", "1")
                            .setConfigProp("transaction.state.log.replication.factor", "1")
                            .setConfigProp("transaction.state.log.min.isr", "1")
                            .setConfigProp("transaction.state.log.num.partitions", "1")
                            .setConfigProp("group.initial.rebalance.delay.ms", "0")
                            .setDeleteOnClose(true)
                            .build();
            format(cluster);
            cluster.startup();
            waitForReadyBrokers(cluster);
            int bound = cluster.brokers().values().iterator().next().boundPort(new ListenerName(CLIENT_LISTENER));
            return new EmbeddedKafka(cluster, "127.0.0.1:" + bound, port);
        } catch (Exception e) {
            closeQuietly(cluster);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(
                    "Kafka did not start on 127.0.0.1:" + port
                            + (port != 0 ? " (is the port already in use?)" : "") + ": " + e,
                    e);
        }
    }

    /**
     * Formats the storage. Kafka's formatter prints to {@code System.out}, which the local stack
     * keeps for its READY and SUMMARY lines: the text goes to the log instead. The stream is swapped
     * for the few milliseconds of formatting; output of another thread in that moment lands in the
     * log too (the local stack prints nothing while Kafka starts).
     */
    private static void format(KafkaClusterTestKit cluster) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
            String text = captured.toString(StandardCharsets.UTF_8).trim();
            if (!text.isEmpty()) {
                FORMATTER_LOG.info("{}", text);
            }
        }
    }

    private static void waitForReadyBrokers(KafkaClusterTestKit cluster) throws Exception {
        var ready =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                cluster.waitForReadyBrokers();
                            } catch (Exception e) {
                                throw new CompletionException(e);
                            }
                        });
        ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Stops the broker as a crash of its process would end it for clients (connections refused),
     * keeping its data folder; {@link #startBroker()} brings it back. The node's KRaft controller
     * stays up, so the restarted broker finds its topics and log segments as they were.
     */
    public void stopBroker() {
        if (requestedPort == 0) {
            // The client listener would come back on another free port, where no client looks.
            throw new IllegalStateException("Start the broker on a fixed port to restart it: a restart keeps the configured port");
        }
        broker().shutdown();
        broker().awaitShutdown();
    }

    /** Starts the broker stopped by {@link #stopBroker()} again, on the same port and data folder. */
    public void startBroker() throws IOException {
        try {
            broker().startup();
            waitForReadyBrokers(cluster);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("Kafka did not start again on " + bootstrapServers + ": " + e, e);
        }
    }

    private kafka.server.BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The port clients connect to (the bound one when started with port 0). */
    public int port() {
        return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
    }

    /** Creates a topic unless it exists. */
    public void createTopic(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Could not create Kafka topic '" + topic + "': " + e.getCause(), e);
            }
        } catch (Exception e) {
            throw adminFailure("create topic '" + topic + "'", e);
        }
        // The controller has accepted the topic; the broker's metadata follows a moment later. Wait for it,
        // so that a producer or a listing right after this call sees the topic.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
        while (!topics().contains(topic)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka topic '" + topic + "' was created but is not listed after "
                        + ADMIN_TIMEOUT_SECONDS + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw adminFailure("wait for topic '" + topic + "'", e);
            }
        }
    }

    /** Names of the topics that exist, internal ones excluded. */
    public Set<String> topics() {
        try {
            return admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw adminFailure("list topics", e);
        }
    }

    /**
     * The sum of the end offsets of all partitions of {@code topic}: the number of records written
     * (transaction markers included, when producers use transactions); 0 when the topic does not
     * exist.
     */
    public long endOffset(String topic) {
        return endOffsets(List.of(topic)).getOrDefault(topic, 0L);
    }

    /** {@link #endOffset(String)} for several topics; topics that do not exist are left out. */
    public Map<String, Long> endOffsets(Collection<String> topics) {
        try {
            Map<String, TopicDescription> described = new HashMap<>();
            for (String topic : topics) {
                try {
                    described.put(
                            topic,
                            admin.describeTopics(List.of(topic))
                                    .allTopicNames()
                                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                                    .get(topic));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
            }
            Map<TopicPartition, OffsetSpec> request =
                    described.values().stream()
                            .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                    admin.listOffsets(request).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, Long> sums = new HashMap<>();
            described.keySet().forEach(t -> sums.put(t, 0L));
            offsets.forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
            return sums;
        } catch (Exception e) {
            throw adminFailure("read end offsets of " + topics, e);
        }
    }

    /** Client properties with {@code bootstrap.servers} set, to start a producer or consumer from. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    @Override
    public void close() {
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            closeQuietly(cluster);
        }
    }

    private static Properties adminProperties(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        return props;
    }

    private static RuntimeException adminFailure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException("Could not " + what + " on Kafka at 127.0.0.1: " + e, e);
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception ignored) {
            // Stopping is best effort: the JVM or the test ends next.
        }
    }
}
