package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.RouteJob;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure kinds "broker restart with persistence" and "broker restart without persistence": the
 * Mosquitto process of a running MQTT -> Kafka route is stopped (SIGTERM) and started again on the
 * same port, with the same folder, {@link FailureRun#injections()} times.
 *
 * <p>Each injection: three publishers send a segment of the numbered sequence as fast as the broker
 * takes it; once the broker has acknowledged all of it, at a random moment (seeded, seed printed)
 * within the next 300 ms, while the route is still taking the segment through (the test checks that
 * some of it is not in Kafka yet), the broker restarts. Publishers are quiet at the restart, so every
 * number of the sequence was acknowledged to its publisher and is owed to Kafka; the next segment
 * starts after a probe has come through the restarted broker (the recovery time).
 *
 * <ul>
 *   <li>With persistence ({@code persistence true}, database in the broker's folder): the broker
 *       writes the sessions with their unacknowledged and queued messages at shutdown and reads them
 *       back; the source finds its sessions present. Expected: lost 0, no session reported lost.
 *   <li>Without persistence: the broker comes back without the sessions, and every message it held
 *       for them is gone. The source ('session-lost' = 'log') reconnects, finds CONNACK
 *       session-present = 0, logs an ERROR naming the client id, counts it in {@code
 *       mqtt.sessionsLost} and goes on. What the job can report: that and which session was lost
 *       (one count per subscriber per restart). What it cannot report: how many messages or which
 *       ones were lost - the broker discarded them before delivering them, so the bridge never saw
 *       them (the reported figure is sessions lost, not messages). The assertions: sessionsLost =
 *       injections x subscribers with an ERROR line per client id; every number missing from Kafka was
 *       unacknowledged by the source at the broker when the broker stopped (it was published before
 *       the stop and was not in Kafka right after it - the source acknowledges only what a completed
 *       checkpoint made durable in Kafka); every number published after a restart arrives.
 * </ul>
 */
class MosquittoRestartITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = ReportingMiniCluster.of(METRICS, 1);

    private static final String CONNECTION_LOGGER = "io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection";
    private static final int PUBLISHERS = 3;

    @ParameterizedTest(name = "persistence {0}")
    @ValueSource(booleans = {true, false})
    void brokerRestart(boolean persistence, @TempDir Path tmp) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int injections = FailureRun.injections();
        long perSegment = FailureRun.messages() / (injections + 1);
        long total = perSegment * (injections + 1);
        String kind = "broker restart " + (persistence ? "with" : "without") + " persistence";
        System.out.printf("%s: seed %d, %d injections, %d messages%n", kind, seed, injections, total);

        String base = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.pick();
        Path brokerFolder = tmp.resolve("mosquitto");
        String config = persistence ? MosquittoBroker.persistence(brokerFolder) : "";
        // The default window (65,535): with a window of 100 and a backlog queued at the broker, Mosquitto
        // 2.0.11 resends the whole backlog at once on every reconnect, more than the window; the client
        // disconnects ("more QoS 1 PUBLISH than allowed by receive maximum") and this repeats forever.
        Path routes = NumbersToKafka.routes(tmp, base, "numbers", ", 'session-lost' = 'log'");

        MosquittoBroker broker = MosquittoBroker.start(port, brokerFolder, config);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                LogCapture log = new LogCapture(CONNECTION_LOGGER)) {
            kafka.createTopic("numbers", 1);
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            try (KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "numbers", false);
                    RouteJob job = RouteJob.submit(routes, env, new Configuration())) {
                NumbersToKafka.awaitProbe(broker.serverUri(), base, "start", reader, job);

                TreeSet<Long> unacknowledgedAtStop = new TreeSet<>();
                Duration recovery = Duration.ZERO;
                for (int segment = 0; segment <= injections; segment++) {
                    long offset = segment * perSegment;
                    publishSegment(broker.serverUri(), base, offset, perSegment);
                    if (segment == injections) {
                        break;
                    }
                    Thread.sleep(random.nextInt(300));
                    long inKafka = NumbersToKafka.read(reader).distinct().size();
                    long received = NumbersToKafka.metric(METRICS, job.client.getJobID(), "mqtt.messagesReceived");
                    long stopped = System.nanoTime();
                    broker.close();
                    // Everything the source acknowledged before the stop was durable in Kafka before it.
                    TreeSet<Long> read = NumbersToKafka.read(reader).distinct();
                    for (long n = 1; n <= offset + perSegment; n++) {
                        if (!read.contains(n)) {
                            unacknowledgedAtStop.add(n);
                        }
                    }
                    System.out.printf("%s %d: at the stop %d of %d numbers in Kafka, %d messages received by the source%n",
                            kind, segment + 1, inKafka, offset + perSegment, received);
                    assertThat(inKafka).as("the restart lands under load: part of the segment not in Kafka yet")
                            .isLessThan(offset + perSegment);
                    broker = MosquittoBroker.start(port, brokerFolder, config);
                    NumbersToKafka.awaitProbe(broker.serverUri(), base, "after-" + segment, reader, job);
                    Duration took = Duration.ofNanos(System.nanoTime() - stopped);
                    recovery = took.compareTo(recovery) > 0 ? took : recovery;
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
                new FailureRun(kind, "Mosquitto", injections, total, lost.size(), numbers.duplicates(),
                        persistence ? 0 : sessionsLost, recovery).report();

                if (persistence) {
                    assertThat(lost).as("lost").isEmpty();
                    assertThat(sessionsLost).as("sessions reported lost").isZero();
                } else {
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
