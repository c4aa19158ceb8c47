package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.tests.rocketmq.RocketMqClients;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pause test, on a real session cluster running the shaded job jar (which must carry the
 * rocketmq connector): a running MQTT → RocketMQ route is paused with {@code flink stop
 * --savepointPath}; a numbered sequence published while it is paused waits in the broker's persistent
 * session; the route resumes with {@code RoutesJob --from-savepoint}, and a RocketMQ consumer finds
 * every number in the topic.
 */
class MqttToRocketMqPauseAndResumeITCase {

    /** Published while paused: under the broker's default queue of 1,000 per session (docs/brokers.md). */
    private static final long PAUSED = 500;
    private static final long COUNT = 2 * PAUSED;
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ROUTES = String.join("\n",
            "CREATE TABLE numbers (n BIGINT) WITH (",
            "  'connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', 'topic-filter' = 'numbers/+',",
            "  'client-id-prefix' = 'pause-test', 'qos' = '1', 'format' = 'json');",
            "CREATE TABLE numbers_out (n BIGINT, `keys` STRING METADATA) WITH (",
            "  'connector' = 'rocketmq', 'name-server' = '${env:ROCKETMQ_NAMESRV}', 'topic' = 'numbers', 'format' = 'json');",
            "INSERT INTO numbers_out SELECT n, CAST(n AS STRING) FROM numbers WHERE n >= -1000000;",
            "");

    @Test
    void aPausedMqttToRocketMqRouteResumesFromItsSavepointAndLosesNothing(@TempDir Path tmp) throws Exception {
        Path routes = Files.writeString(tmp.resolve("numbers-to-rocketmq.sql"), ROUTES);
        // The edit made during the pause: probes (negative) are no longer copied. Another predicate, the same
        // operators: a compatible edit (docs/operations.md), so the savepoint's state maps onto the new job.
        Path edited = Files.writeString(tmp.resolve("numbers-to-rocketmq-edited.sql"), ROUTES.replace("WHERE n >= -1000000", "WHERE n >= 0"));
        Map<String, String> settings = StandaloneFlinkCluster.shippedCheckpointSettings(tmp);
        try (EmbeddedHiveMq mqtt = EmbeddedHiveMq.start(FreePorts.pick(), tmp.resolve("mqtt"));
                EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(tmp.resolve("rocketmq"), 0, false);
                StandaloneFlinkCluster flink = StandaloneFlinkCluster.configure(tmp.resolve("flink"), settings)) {
            rocketMq.createTopic("numbers", 2);
            flink.startJobManager();
            flink.startTaskManager();
            flink.await(() -> flink.registeredTaskManagers() == 1, Duration.ofSeconds(90), "a JobManager with one TaskManager");
            Map<String, String> env = Map.of("MQTT_URI", mqtt.serverUri(), "ROCKETMQ_NAMESRV", rocketMq.nameServer());

            submit(flink, env, List.of("--routes", routes.toString()));
            try (MqttTestPublisher device = MqttTestPublisher.connect(mqtt.serverUri(), "number-publisher")) {
                // Probes (negative numbers) until one is in RocketMQ: the route's subscription exists.
                long[] probes = {0};
                flink.await(() -> {
                    device.publish("numbers/probe", "{\"n\":" + (-1 - probes[0]++) + "}", 1);
                    return rocketMq.messageCount("numbers") > 0;
                }, Duration.ofSeconds(90), () -> "a probe through the route; job exceptions: " + flink.jobExceptions());
                device.publishNumbered("numbers/device-1", 1, PAUSED, n -> "{\"n\":" + n + "}");
                flink.await(() -> numbers(rocketMq.messages("numbers")).containsAll(range(1, PAUSED)), Duration.ofSeconds(90),
                        () -> "1.." + PAUSED + " in RocketMQ before the pause; job exceptions: " + flink.jobExceptions());

                String paused = flink.jobId();
                FlinkProcess stop = flink.flinkCli(
                        List.of("stop", "--savepointPath", tmp.resolve("savepoints").toUri().toString(), paused),
                        Map.of(), Duration.ofSeconds(120));
                assertThat(stop.process.exitValue()).as("flink stop exit code; output:\n%s", stop.output()).isZero();
                Matcher savepoint = SAVEPOINT.matcher(stop.output());
                assertThat(savepoint.find()).as("savepoint path in the output of flink stop:\n%s", stop.output()).isTrue();
                flink.await(() -> "FINISHED".equals(flink.jobState()), Duration.ofSeconds(60), "the paused job FINISHED");

                device.publishNumbered("numbers/device-1", PAUSED + 1, COUNT, n -> "{\"n\":" + n + "}");
                long whilePaused = numbers(rocketMq.messages("numbers")).tailSet(PAUSED + 1).size();

                submit(flink, env, List.of("--routes", edited.toString(), "--from-savepoint", savepoint.group(1)));
                assertThat(flink.jobId()).isNotEqualTo(paused);

                // Read back as a backend service would: a RocketMQ consumer from the topic's first message.
                List<MessageExt> read = RocketMqClients.readUntil(rocketMq.nameServer(), "numbers",
                        messages -> numbers(messages).containsAll(range(1, COUNT)), Duration.ofSeconds(120),
                        "every number 1.." + COUNT + " after the resume", () -> assertThat(flink.jobState()).isEqualTo("RUNNING"));
                assertThat(whilePaused).as("numbers in RocketMQ published while the route was paused").isZero();
                assertThat(numbers(read).tailSet(1L)).containsExactlyElementsOf(range(1, COUNT));
                for (MessageExt message : read) {
                    assertThat(message.getKeys()).isEqualTo(Long.toString(number(message)));
                }
                JsonNode restored = flink.rest("/jobs/" + flink.jobId() + "/checkpoints").path("latest").path("restored");
                assertThat(restored.path("is_savepoint").asBoolean()).as("latest.restored: %s", restored).isTrue();
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

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().collect(Collectors.toList());
    }

    private static long number(MessageExt message) {
        try {
            return JSON.readTree(message.getBody()).get("n").asLong();
        } catch (IOException e) {
            throw new UncheckedIOException("Unexpected RocketMQ message: " + RocketMqClients.body(message), e);
        }
    }

    /** The distinct numbers in {@code messages}, probes (negative) included. */
    private static TreeSet<Long> numbers(List<MessageExt> messages) {
        return messages.stream().map(MqttToRocketMqPauseAndResumeITCase::number).collect(Collectors.toCollection(TreeSet::new));
    }
}
