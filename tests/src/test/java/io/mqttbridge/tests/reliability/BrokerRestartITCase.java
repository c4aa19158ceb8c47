package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.LoopbackBroker;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure kinds "broker restart with persistence" and "broker restart without persistence", on
 * Mosquitto (a process, stopped with SIGTERM) and HiveMQ CE (embedded in this JVM, stopped through
 * its API): the broker of a running MQTT -> Kafka route is stopped and started again on the same
 * port, with the same folder, {@link FailureRun#injections()} times. HiveMQ CE's file persistence
 * (RocksDB and Xodus in its data folder) runs here with no other RocksDB in the JVM; RocketMQ's is
 * not part of this suite's JVM.
 *
 * <p>Each injection: three publishers send a segment of the numbered sequence as fast as the broker
 * takes it; once the broker has acknowledged all of it, at a random moment (seeded, seed printed)
 * within the next 300 ms, while the route is still taking the segment through (the test checks that
 * some of it is not in Kafka yet), the broker restarts. Publishers are quiet at the restart, so every
 * number of the sequence was acknowledged to its publisher and is owed to Kafka; the next segment
 * starts after a probe has come through the restarted broker (the recovery time).
 *
 * <p>On HiveMQ CE the source's window ('receive-maximum') is {@value #WINDOW} and checkpoints come
 * every 200 ms, so the route drains at most {@value #WINDOW} messages per subscriber per checkpoint,
 * far slower than the publishers: at the restart the broker holds most of the segment queued for the
 * sessions, beyond the windows (the test checks that numbers acknowledged to the publishers had not
 * reached the source). Mosquitto 2.0.11 cannot be made to queue that way: it overruns a small Receive
 * Maximum (docs/brokers.md, "Mosquitto 2.0"; the client disconnects and that repeats), and with MQTT
 * 3.1.1 and {@code max_inflight_messages 20} it still sent the source the whole segment before the
 * restart. So on Mosquitto the source keeps the default window and the broker's {@code
 * max_inflight_messages 0}: it streams everything to the source at once, and a restart finds the
 * segment delivered and unacknowledged, not queued - with persistence that window is what must
 * survive, without persistence nothing is lost (what was delivered reaches Kafka) and only the lost
 * sessions are reported.
 *
 * <ul>
 *   <li>With persistence (Mosquitto {@code persistence true}, HiveMQ CE {@code <persistence><mode>file});
 *       the broker writes the sessions with their unacknowledged and queued messages and reads them
 *       back; the source finds its sessions present. Expected: lost 0, no session reported lost.
 *   <li>Without persistence (Mosquitto's default; HiveMQ CE in-memory): the broker comes back without
 *       the sessions, and every message it held for them is gone: the queued backlog and the
 *       delivered but unacknowledged window. The source ('session-lost' = 'log') reconnects, finds
 *       CONNACK session-present = 0, logs an ERROR naming the client id, counts it in {@code
 *       mqtt.sessionsLost} and goes on. What the job can report: that and which session was lost (one
 *       count per subscriber per restart; the row's "reported lost" is that count). What it cannot
 *       report: how many messages or which ones died with the session - the broker does not say how
 *       many it held, and discarded them before delivering them, so the bridge never saw them. The
 *       assertions: sessionsLost = injections x subscribers with an ERROR line per client id and
 *       restart; lost is at least the numbers the broker had acknowledged to the publishers but
 *       never delivered to the source before the last stop, and on HiveMQ CE that is more than 0
 *       (loss really happened); every missing number was unacknowledged by the source at the broker when the broker
 *       stopped (it was published before the stop and was not in Kafka right after it - the source
 *       acknowledges only what a completed checkpoint made durable in Kafka); every number published
 *       after a restart arrives.
 * </ul>
 */
class BrokerRestartITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = ReportingMiniCluster.of(METRICS, 1);

    private static final String CONNECTION_LOGGER = "io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection";
    private static final int PUBLISHERS = 3;
    /** The source's 'receive-maximum' on HiveMQ CE: small, so that a backlog queues at the broker. */
    private static final int WINDOW = 20;

    static Stream<Arguments> restarts() {
        return Stream.of(
                Arguments.of(TestBroker.Kind.MOSQUITTO, true),
                Arguments.of(TestBroker.Kind.MOSQUITTO, false),
                Arguments.of(TestBroker.Kind.HIVEMQ, true),
                Arguments.of(TestBroker.Kind.HIVEMQ, false));
    }

    @ParameterizedTest(name = "{0}, persistence {1}")
    @MethodSource("restarts")
    void brokerRestart(TestBroker.Kind brokerKind, boolean persistence, @TempDir Path tmp) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int injections = FailureRun.injections();
        long perSegment = FailureRun.messages() / (injections + 1);
        long total = perSegment * (injections + 1);
        String kind = "broker restart " + (persistence ? "with" : "without") + " persistence";
        System.out.printf("%s on %s: seed %d, %d injections, %d messages%n", kind, brokerKind, seed, injections, total);

        String base = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.pick();
        Path brokerFolder = tmp.resolve("broker");
        boolean queues = brokerKind == TestBroker.Kind.HIVEMQ;
        Path routes = NumbersToKafka.routes(tmp, base, "numbers",
                ", 'session-lost' = 'log'" + (queues ? ", 'receive-maximum' = '" + WINDOW + "'" : ""));

        LoopbackBroker broker = startBroker(brokerKind, port, brokerFolder, persistence);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                LogCapture log = new LogCapture(CONNECTION_LOGGER)) {
            kafka.createTopic("numbers", 1);
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            try (KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "numbers", false);
                    RouteJob job = RouteJob.submit(routes, env, new Configuration())) {
                NumbersToKafka.awaitProbe(broker.serverUri(), base, "start", reader, job);

                TreeSet<Long> unacknowledgedAtStop = new TreeSet<>();
                // Numbers the broker had acknowledged to the publishers but not delivered to the source by the last stop.
                long neverDelivered = 0;
                Duration recovery = Duration.ZERO;
                for (int segment = 0; segment <= injections; segment++) {
                    long offset = segment * perSegment;
                    long published = offset + perSegment;
                    publishSegment(broker.serverUri(), base, offset, perSegment);
                    if (segment == injections) {
                        break;
                    }
                    Thread.sleep(random.nextInt(300));
                    long inKafka = NumbersToKafka.read(reader).distinct().size();
                    long stopped = System.nanoTime();
                    broker.close();
                    long receivedAtStop = received(job);
                    // Everything the source acknowledged before the stop was durable in Kafka before it.
                    TreeSet<Long> read = NumbersToKafka.read(reader).distinct();
                    for (long n = 1; n <= published; n++) {
                        if (!read.contains(n)) {
                            unacknowledgedAtStop.add(n);
                        }
                    }
                    System.out.printf("%s on %s, restart %d: at the stop %d of %d numbers in Kafka, %d messages received by the source%n",
                            kind, brokerKind, segment + 1, inKafka, published, receivedAtStop);
                    assertThat(inKafka).as("the restart lands under load: part of the segment not in Kafka yet").isLessThan(published);
                    if (queues) {
                        assertThat(receivedAtStop).as("a backlog beyond the windows queued at the broker at the stop").isLessThan(published);
                    }
                    broker = startBroker(brokerKind, port, brokerFolder, persistence);
                    NumbersToKafka.awaitProbe(broker.serverUri(), base, "after-" + segment, reader, job);
                    Duration took = Duration.ofNanos(System.nanoTime() - stopped);
                    recovery = took.compareTo(recovery) > 0 ? took : recovery;
                    // Read after the recovery: messages the old connections had in their buffers are counted by now. The
                    // count includes probes and redeliveries, so this is a lower bound of the numbers never delivered.
                    neverDelivered = Math.max(neverDelivered, published - received(job));
                }

                // Every number not held unacknowledged at a stop must arrive; then nothing is in flight any more.
                reader.readUntil(r -> {
                    TreeSet<Long> read = reader.numbers(NumbersToKafka::number).distinct();
                    for (long n = 1; n <= total; n++) {
                        if (!read.contains(n) && (persistence || !unacknowledgedAtStop.contains(n))) {
                            return false;
                        }
                    }
                    return true;
                }, Duration.ofSeconds(120), "every number the broker still held", job::assertRunning);
                NumbersToKafka.await("no acknowledgement pending", Duration.ofSeconds(60),
                        () -> NumbersToKafka.metric(METRICS, job.client.getJobID(), "mqtt.acksPending") == 0);
                KafkaTopicReader.Numbers numbers = NumbersToKafka.read(reader);
                List<Long> lost = new ArrayList<>();
                for (long n = 1; n <= total; n++) {
                    if (!numbers.distinct().contains(n)) {
                        lost.add(n);
                    }
                }
                long sessionsLost = NumbersToKafka.metric(METRICS, job.client.getJobID(), "mqtt.sessionsLost");
                new FailureRun(kind, brokerKind.name(), injections, total, lost.size(), numbers.duplicates(),
                        persistence ? 0 : sessionsLost, recovery).report();

                if (persistence) {
                    assertThat(lost).as("lost").isEmpty();
                    assertThat(sessionsLost).as("sessions reported lost").isZero();
                } else {
                    System.out.printf("%s on %s: %d lost, at least %d of them never delivered to the source, %d sessions reported lost%n",
                            kind, brokerKind, lost.size(), neverDelivered, sessionsLost);
                    if (queues) {
                        assertThat(neverDelivered).as("numbers the broker held queued at a restart").isPositive();
                    }
                    assertThat((long) lost.size()).as("lost: at least what the broker never delivered").isGreaterThanOrEqualTo(neverDelivered);
                    assertThat(unacknowledgedAtStop).as("unacknowledged at a stop").containsAll(lost);
                    assertThat(sessionsLost).as("sessions reported lost").isEqualTo((long) injections * NumbersToKafka.SUBSCRIBERS);
                    for (int split = 0; split < NumbersToKafka.SUBSCRIBERS; split++) {
                        assertThat(log.errors("session of client '" + base + "-" + split + "'"))
                                .as("ERROR lines naming client %s-%d", base, split).hasSize(injections);
                    }
                }
            }
        } finally {
            broker.close();
        }
    }

    /**
     * Starts {@code kind} on {@code port} with its files in {@code folder}, sessions and queued
     * messages kept on disk ({@code persistence}) or in memory only.
     */
    private static LoopbackBroker startBroker(TestBroker.Kind kind, int port, Path folder, boolean persistence) throws Exception {
        switch (kind) {
            case MOSQUITTO:
                return MosquittoBroker.start(port, folder, persistence ? MosquittoBroker.persistence(folder) : "");
            case HIVEMQ:
                return EmbeddedHiveMq.start(port, folder, EmbeddedHiveMq.MAX_QUEUE_SIZE, persistence);
            default:
                throw new IllegalArgumentException("No restart kind on " + kind);
        }
    }

    /** Messages the source's subscribers received so far, probes and redeliveries included. */
    private static long received(RouteJob job) {
        return NumbersToKafka.metric(METRICS, job.client.getJobID(), "mqtt.messagesReceived");
    }

    /** Publishes {@code offset+1 .. offset+count} from fresh publishers and waits until the broker acknowledged all. */
    static void publishSegment(String serverUri, String base, long offset, long count) throws Exception {
        List<MqttTestPublisher> publishers = new ArrayList<>();
        for (int i = 0; i < PUBLISHERS; i++) {
            publishers.add(MqttTestPublisher.connect(serverUri));
        }
        try (NumberedSequence sequence = MqttTestPublisher.startSequence(publishers, base + "/n", count, 0, n -> Long.toString(offset + n))) {
            NumbersToKafka.await("the broker to acknowledge " + count + " numbers", Duration.ofSeconds(120), sequence::done);
        } finally {
            publishers.forEach(MqttTestPublisher::close);
        }
    }
}
