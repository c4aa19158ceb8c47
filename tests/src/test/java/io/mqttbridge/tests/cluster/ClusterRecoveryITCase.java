package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.tests.reliability.FailureRun;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded job jar on a real Flink session cluster of separate JVMs: submitted with {@code flink
 * run}, it moves a numbered sequence from MQTT to Kafka; its TaskManager is SIGKILLed mid-stream
 * and replaced, the job recovers from its last checkpoint, and no number is missing.
 *
 * <p>Also the failure kind "TaskManager SIGKILL" of the failure-injection suite (tests/.../reliability):
 * {@link FailureRun#injections()} kills, each at a random moment (seeded, seed printed) while the
 * publisher sends, the next once records flow again after the last; reported as a {@link FailureRun}
 * row (lost must be 0; duplicates are what the broker redelivered after each restore).
 *
 * <p>This is what a MiniCluster cannot show: the jar's merged service files (the 'mqtt' and 'kafka'
 * factories are found), nothing it needs missing and no Flink classes bundled that clash with the
 * cluster's, the shipped checkpoints-config on a cluster, and the Prometheus reporter of a
 * TaskManager exposing the connector's metrics.
 */
class ClusterRecoveryITCase {

    private static final long COUNT = FailureRun.messages();
    /** Slow enough that publishing lasts over every kill and recovery of the short form. */
    private static final int PER_SECOND = 100;
    private static final String TOPIC = "numbers";

    @Test
    void jobJarSurvivesTaskManagerKillWithoutLosingANumber(@TempDir Path tmp) throws Exception {
        Path jar = StandaloneFlinkCluster.jobJar();
        Map<String, String> settings = StandaloneFlinkCluster.shippedCheckpointSettings(tmp);

        try (EmbeddedHiveMq mqtt = EmbeddedHiveMq.start(FreePorts.pick(), tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                StandaloneFlinkCluster flink = StandaloneFlinkCluster.configure(tmp.resolve("flink"), settings)) {
            kafka.createTopic(TOPIC, 1);

            long t0 = System.nanoTime();
            flink.startJobManager();
            FlinkProcess taskManager = flink.startTaskManager();
            flink.await(() -> flink.registeredTaskManagers() == 1, Duration.ofSeconds(90), "a JobManager with one TaskManager");
            long clusterStart = millisSince(t0);

            long t1 = System.nanoTime();
            FlinkProcess cli = flink.flinkCli(
                    List.of("run", "--detached", jar.toString(), "--routes", resource("cluster/numbers-to-kafka.sql").toString()),
                    Map.of("MQTT_URI", mqtt.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers()),
                    Duration.ofSeconds(120));
            assertThat(cli.process.exitValue()).as("flink run exit code; output:\n%s", cli.output()).isZero();
            long submission = millisSince(t1);
            flink.await(flink::allTasksRunning, Duration.ofSeconds(90), "every task of the job RUNNING");
            long deployed = millisSince(t1);

            try (KafkaTopicReader kafkaTopic = KafkaTopicReader.open(kafka.bootstrapServers(), TOPIC, false);
                    MqttTestPublisher device = MqttTestPublisher.connect(mqtt.serverUri(), "number-publisher")) {
                NumbersRoute.awaitSubscribed(device, kafkaTopic, flink);
                NumberedSequence publisher = MqttTestPublisher.startSequence(
                        List.of(device), "numbers/device-1", COUNT, PER_SECOND, NumbersRoute::payload);

                long seed = System.nanoTime();
                Random random = new Random(seed);
                System.out.printf("TaskManager SIGKILL: seed %d, %d injections, %d messages%n", seed, FailureRun.injections(), COUNT);
                // Mid-stream: enough has flowed for checkpoints to have completed and acks to have gone out.
                flink.await(() -> NumbersRoute.read(kafkaTopic).distinct().size() >= COUNT / 10, Duration.ofSeconds(90),
                        COUNT / 10 + " numbers in Kafka");
                long recovery = 0;
                long publishedAtKill = 0;
                for (int kill = 1; kill <= FailureRun.injections(); kill++) {
                    Thread.sleep(random.nextInt(3000));
                    // Every number above this one is sent after the kill.
                    long sentAtKill = publisher.sent();
                    publishedAtKill = sentAtKill;
                    long tKill = System.nanoTime();
                    taskManager.kill();
                    assertThat(taskManager.process.isAlive()).isFalse();
                    taskManager = flink.startTaskManager();

                    flink.await(() -> NumbersRoute.read(kafkaTopic).distinct().higher(sentAtKill) != null, Duration.ofSeconds(120),
                            () -> "a number published after the kill (> " + sentAtKill + ") to reach Kafka; job "
                                    + flink.jobState() + ", exceptions: " + flink.jobExceptions());
                    recovery = Math.max(recovery, millisSince(tKill));
                    System.out.printf("TaskManager SIGKILL %d: at number %d of %d, records flowed again after %d ms%n",
                            kill, sentAtKill, COUNT, millisSince(tKill));
                }
                // The kills are done: the rest only has to arrive.
                publisher.unthrottle();
                flink.await(publisher::done, Duration.ofSeconds(120), "the publisher to send all " + COUNT);
                flink.await(() -> NumbersRoute.read(kafkaTopic).complete(1, COUNT), Duration.ofSeconds(120),
                        () -> "all " + COUNT + " numbers in Kafka; missing: " + NumbersRoute.read(kafkaTopic).missing(1, COUNT));
                publisher.close();

                KafkaTopicReader.Numbers numbers = NumbersRoute.read(kafkaTopic);
                new FailureRun("TaskManager SIGKILL", "HiveMQ CE", FailureRun.injections(), COUNT,
                        COUNT - numbers.distinct().subSet(1L, true, COUNT, true).size(), numbers.duplicates(), 0,
                        Duration.ofMillis(recovery)).report();
                assertThat(numbers.distinct()).containsExactlyElementsOf(LongStream.rangeClosed(1, COUNT).boxed().collect(Collectors.toList()));
                assertThat(flink.jobState()).isEqualTo("RUNNING");
                // recovered from a checkpoint, not started afresh
                JsonNode restored = flink.rest("/jobs/" + flink.jobId() + "/checkpoints").path("latest").path("restored");
                assertThat(restored.isObject()).as("latest.restored of the job's checkpoints: %s", restored).isTrue();
                assertThat(restored.path("is_savepoint").asBoolean()).isFalse();

                String metrics = flink.scrapeTaskManagerMetrics();
                assertThat(metrics).contains("mqtt_messagesReceived", "mqtt_acksSent", "mqtt_connectionsUp", "mqtt_acksPending", "mqtt_reconnects");

                System.out.printf("cluster: jar %.1f MB; cluster start %d ms; flink run %d ms (tasks running after %d ms);"
                                + " longest recovery after SIGKILL %d ms (last kill at number %d); %d records for %d numbers (%d duplicates)%n",
                        Files.size(jar) / 1e6, clusterStart, submission, deployed, recovery, publishedAtKill,
                        numbers.records(), COUNT, numbers.duplicates());
            }
        }
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ClusterRecoveryITCase.class.getClassLoader().getResource(name).toURI());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
