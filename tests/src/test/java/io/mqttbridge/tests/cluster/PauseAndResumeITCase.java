package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pause and resume a route set on a real session cluster, as docs/operations.md shows it: {@code flink
 * stop --savepointPath} pauses the job; numbers published while it is paused wait in the broker's
 * persistent sessions; the edited routes file (a changed WHERE: a compatible edit) resumes with
 * {@code RoutesJob --from-savepoint}, and every number reaches Kafka.
 *
 * <p>Without {@code --allow-non-restored-state} Flink refuses a savepoint whose state the new job does
 * not claim, so the resumed job running at all shows that the edit kept the source's saved splits.
 */
class PauseAndResumeITCase {

    /** Published while paused: under the broker's default queue of 1,000 per session (docs/brokers.md). */
    private static final long PAUSED = 500;
    private static final long COUNT = 2 * PAUSED;
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    @Test
    void aPausedRouteResumesFromItsSavepointAfterAnEditAndLosesNothing(@TempDir Path tmp) throws Exception {
        Path first = routes(tmp, "first.sql", "n >= -1000000");
        // The edit: probes (negative) are no longer copied. Same operators, another predicate.
        Path edited = routes(tmp, "edited.sql", "n >= 0");
        Map<String, String> settings = StandaloneFlinkCluster.shippedCheckpointSettings(tmp);
        try (EmbeddedHiveMq mqtt = EmbeddedHiveMq.start(FreePorts.pick(), tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                StandaloneFlinkCluster flink = StandaloneFlinkCluster.configure(tmp.resolve("flink"), settings)) {
            kafka.createTopic("numbers", 1);
            flink.startJobManager();
            flink.startTaskManager();
            flink.await(() -> flink.registeredTaskManagers() == 1, Duration.ofSeconds(90), "a JobManager with one TaskManager");
            Map<String, String> env = Map.of("MQTT_URI", mqtt.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());

            submit(flink, env, List.of("--routes", first.toString()));
            try (KafkaTopicReader kafkaTopic = KafkaTopicReader.open(kafka.bootstrapServers(), "numbers", false);
                    MqttTestPublisher device = MqttTestPublisher.connect(mqtt.serverUri(), "number-publisher")) {
                NumbersRoute.awaitSubscribed(device, kafkaTopic, flink);
                device.publishNumbered("numbers/device-1", 1, PAUSED, NumbersRoute::payload);
                flink.await(() -> NumbersRoute.read(kafkaTopic).complete(1, PAUSED), Duration.ofSeconds(90),
                        () -> "1.." + PAUSED + " in Kafka before the pause; missing: " + NumbersRoute.read(kafkaTopic).missing(1, PAUSED));

                String paused = flink.jobId();
                FlinkProcess stop = flink.flinkCli(
                        List.of("stop", "--savepointPath", tmp.resolve("savepoints").toUri().toString(), paused),
                        Map.of(), Duration.ofSeconds(120));
                assertThat(stop.process.exitValue()).as("flink stop exit code; output:\n%s", stop.output()).isZero();
                Matcher savepoint = SAVEPOINT.matcher(stop.output());
                assertThat(savepoint.find()).as("savepoint path in the output of flink stop:\n%s", stop.output()).isTrue();
                flink.await(() -> "FINISHED".equals(flink.jobState()), Duration.ofSeconds(60), "the paused job FINISHED");

                device.publishNumbered("numbers/device-1", PAUSED + 1, COUNT, NumbersRoute::payload);
                long whilePaused = NumbersRoute.read(kafkaTopic).distinct().tailSet(PAUSED + 1).size();

                submit(flink, env, List.of("--routes", edited.toString(), "--from-savepoint", savepoint.group(1)));
                assertThat(flink.jobId()).isNotEqualTo(paused);
                flink.await(() -> NumbersRoute.read(kafkaTopic).complete(1, COUNT), Duration.ofSeconds(120),
                        () -> "all 1.." + COUNT + " in Kafka after the resume; missing: " + NumbersRoute.read(kafkaTopic).missing(1, COUNT)
                                + "; job " + flink.jobState() + ", exceptions: " + flink.jobExceptions());

                KafkaTopicReader.Numbers numbers = NumbersRoute.read(kafkaTopic);
                assertThat(whilePaused).as("numbers in Kafka published while the route was paused").isZero();
                assertThat(numbers.distinct().tailSet(1L)).containsExactlyElementsOf(
                        LongStream.rangeClosed(1, COUNT).boxed().collect(Collectors.toList()));
                JsonNode restored = flink.rest("/jobs/" + flink.jobId() + "/checkpoints").path("latest").path("restored");
                assertThat(restored.path("is_savepoint").asBoolean()).as("latest.restored: %s", restored).isTrue();
                System.out.printf("pause and resume: %d numbers (%d published while paused), %d records (%d duplicates)%n",
                        COUNT, PAUSED, numbers.records(), numbers.duplicates());
            }
        }
    }

    private static void submit(StandaloneFlinkCluster flink, Map<String, String> env, List<String> routesArguments) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--detached", StandaloneFlinkCluster.jobJar().toString()));
        args.addAll(routesArguments);
        FlinkProcess cli = flink.flinkCli(args, env, Duration.ofSeconds(120));
        assertThat(cli.process.exitValue()).as("flink run exit code; output:\n%s", cli.output()).isZero();
        flink.await(flink::allTasksRunning, Duration.ofSeconds(90), () -> "every task RUNNING; exceptions: " + flink.jobExceptions());
    }

    /** cluster/numbers-to-kafka.sql with a WHERE on the number. */
    private static Path routes(Path folder, String name, String predicate) throws Exception {
        String sql = Files.readString(ClusterRecoveryITCase.resource("cluster/numbers-to-kafka.sql"))
                .replace("INSERT INTO numbers_out SELECT n FROM numbers;", "INSERT INTO numbers_out SELECT n FROM numbers WHERE " + predicate + ";");
        assertThat(sql).contains("WHERE " + predicate);
        return Files.writeString(folder.resolve(name), sql);
    }
}
