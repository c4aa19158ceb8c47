package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.RouteJob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Failure kind "function endpoint down longer than its retries", for each 'failure-handling': an
 * MQTT -> http-function route (as sql/low-battery-function.sql, JSON numbers, Mosquitto) delivers the
 * numbered sequence from three publishers to a {@link FunctionEndpoint}; {@link
 * FailureRun#injections()} times, at a random moment (seeded, seed printed), the endpoint answers
 * every request 503 for 1.5-3 s, far longer than a batch's attempts last ('retries' 2, backoff 100 ms,
 * so a batch gives up after about 0.3 s). The durable sink is the endpoint's record of the requests it
 * answered 2xx; numbers are read back from there.
 *
 * <ul>
 *   <li>'fail': a batch that used its retries fails the job; it restarts (fixed-delay) from the last
 *       checkpoint, failing again until the endpoint is back, and the broker redelivers every
 *       unacknowledged message. Expected: lost 0.
 *   <li>'skip': the batch is dropped, counted in the sink's {@code function.recordsSkipped} and
 *       logged; its messages are acknowledged. Expected: lost = recordsSkipped (no restart happens, so
 *       no number is skipped once and delivered by a redelivery).
 *   <li>'dead-letter': the batch is written to a file under 'dead-letter.path' and counted in
 *       {@code function.recordsDeadLettered}. Expected: the numbers missing at the endpoint are
 *       exactly the numbers in the dead-letter files, and their count is the metric.
 * </ul>
 */
class FunctionEndpointDownITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = ReportingMiniCluster.of(METRICS, 1);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PUBLISHERS = 3;
    private static final int PER_SECOND = 300;
    /**
     * The longest an injection takes: the pause before it (up to 2.5 s), the outage (up to 3 s) and, with 'fail',
     * the restart until records flow again. Publishing must outlast every injection: at 300 msg/s the short form's
     * 3,000 messages were all sent before a late second outage ended, which then waited for a number above the last.
     */
    private static final int SECONDS_PER_INJECTION = 12;

    @ParameterizedTest(name = "failure-handling {0}")
    @ValueSource(strings = {"fail", "skip", "dead-letter"})
    void endpointDownLongerThanItsRetries(String failureHandling, @TempDir Path tmp) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int injections = FailureRun.injections();
        long total = FailureRun.messages();
        int perSecond = (int) Math.min(PER_SECOND, total / (injections * SECONDS_PER_INJECTION + 5));
        String kind = "function endpoint down, " + failureHandling;
        System.out.printf("%s: seed %d, %d injections, %d messages at %d a second%n", kind, seed, injections, total, perSecond);

        String base = "fn-down-" + UUID.randomUUID().toString().substring(0, 8);
        Path deadLetters = tmp.resolve("dead-letters");
        Configuration restarts = new Configuration();
        restarts.setString("restart-strategy.type", "fixed-delay");
        restarts.setString("restart-strategy.fixed-delay.attempts", "1000");
        restarts.setString("restart-strategy.fixed-delay.delay", "500 ms");

        List<MqttTestPublisher> publishers = new ArrayList<>();
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
                FunctionEndpoint endpoint = FunctionEndpoint.start()) {
            Path routes = RouteJob.writeRoutes(tmp, base + ".sql", String.join("\n",
                    "CREATE TABLE numbers_in (n BIGINT) WITH ('connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', "
                            + "'topic-filter' = '" + base + "/#', 'shared-group' = '" + base + "', 'subscribers' = '2', "
                            + "'client-id-prefix' = '" + base + "', 'qos' = '1', 'format' = 'json');",
                    "CREATE TABLE numbers_fn (n BIGINT) WITH ('connector' = 'http-function', 'url' = '${env:FUNCTION_URL}', "
                            + "'max-messages' = '20', 'max-wait' = '100 ms', 'request-timeout' = '2 s', 'retries' = '2', "
                            + "'retry-backoff' = '100 ms', 'failure-handling' = '" + failureHandling + "', "
                            + "'dead-letter.path' = '" + deadLetters.toUri() + "');",
                    "INSERT INTO numbers_fn SELECT n FROM numbers_in;"));
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "FUNCTION_URL", endpoint.url("/numbers"));
            try (RouteJob job = RouteJob.submit(routes, env, restarts)) {
                awaitProbe(broker.serverUri(), base, endpoint, job);
                for (int i = 0; i < PUBLISHERS; i++) {
                    publishers.add(MqttTestPublisher.connect(broker.serverUri()));
                }
                Duration recovery = Duration.ZERO;
                try (NumberedSequence sequence =
                        MqttTestPublisher.startSequence(publishers, base + "/n", total, perSecond, n -> "{\"n\":" + n + "}")) {
                    for (int i = 1; i <= injections; i++) {
                        Thread.sleep(1000 + random.nextInt(1500));
                        long down = System.nanoTime();
                        long sentAtDown = sequence.sent();
                        endpoint.behave(request -> FunctionEndpoint.Answer.status(503));
                        Thread.sleep(1500 + random.nextInt(1500));
                        endpoint.behave(request -> FunctionEndpoint.Answer.ok());
                        long sentAtUp = sequence.sent();
                        assertThat(sentAtUp).as("the outage lands under load: publishing had not ended").isLessThan(total);
                        NumbersToKafka.await("a number above " + sentAtUp + " at the endpoint after outage " + i, Duration.ofSeconds(120),
                                () -> {
                                    job.assertRunning();
                                    return numbers(endpoint).higher(sentAtUp) != null;
                                });
                        Duration took = Duration.ofNanos(System.nanoTime() - down);
                        recovery = took.compareTo(recovery) > 0 ? took : recovery;
                        System.out.printf("%s %d: down at number %d, records flowed again after %d ms%n", kind, i, sentAtDown, took.toMillis());
                    }
                    // The injections are done: the rest only has to arrive.
                    sequence.unthrottle();
                    NumbersToKafka.await("the broker to acknowledge all " + total, FailureRun.bound(total, perSecond), sequence::done);
                }
                TreeSet<Long> dead = new TreeSet<>();
                long[] handledElsewhere = {0};
                NumbersToKafka.await("every number delivered, skipped or dead-lettered", Duration.ofSeconds(180), () -> {
                    job.assertRunning();
                    dead.clear();
                    dead.addAll(deadLettered(deadLetters));
                    handledElsewhere[0] = "skip".equals(failureHandling)
                            ? NumbersToKafka.metric(METRICS, job.client.getJobID(), "function.recordsSkipped") : dead.size();
                    TreeSet<Long> delivered = numbers(endpoint);
                    return delivered.subSet(1L, true, total, true).size() + handledElsewhere[0] >= total;
                });
                List<JsonNode> records = endpoint.deliveredRecords();
                TreeSet<Long> delivered = numbers(endpoint);
                long numbered = records.stream().filter(r -> number(r) > 0).count();
                List<Long> lost = new ArrayList<>();
                for (long n = 1; n <= total; n++) {
                    if (!delivered.contains(n)) {
                        lost.add(n);
                    }
                }
                long reported = "fail".equals(failureHandling) ? 0 : handledElsewhere[0];
                new FailureRun(kind, "Mosquitto", injections, total, lost.size(), numbered - delivered.size(), reported, recovery).report();
                switch (failureHandling) {
                    case "fail" -> assertThat(lost).as("lost").isEmpty();
                    case "skip" -> assertThat((long) lost.size()).as("lost = recordsSkipped").isEqualTo(reported).isPositive();
                    default -> {
                        assertThat(dead).as("dead-lettered numbers = the numbers missing at the endpoint")
                                .containsExactlyElementsOf(lost).isNotEmpty();
                        assertThat(NumbersToKafka.metric(METRICS, job.client.getJobID(), "function.recordsDeadLettered"))
                                .as("recordsDeadLettered").isEqualTo(dead.size());
                    }
                }
            } finally {
                publishers.forEach(MqttTestPublisher::close);
            }
        }
    }

    /** Publishes probes ({@code n} negative) until the endpoint received one: the route is subscribed. */
    private static void awaitProbe(String serverUri, String base, FunctionEndpoint endpoint, RouteJob job) throws Exception {
        try (MqttTestPublisher prober = MqttTestPublisher.connect(serverUri)) {
            NumbersToKafka.await("a probe at the function endpoint", Duration.ofSeconds(90), () -> {
                job.assertRunning();
                if (!endpoint.deliveredRecords().isEmpty()) {
                    return true;
                }
                prober.publish(base + "/probe", "{\"n\":-1}", 1);
                return false;
            });
        }
    }

    private static long number(JsonNode record) {
        return record.path("payload").path("n").asLong(-1);
    }

    private static TreeSet<Long> numbers(FunctionEndpoint endpoint) {
        TreeSet<Long> out = new TreeSet<>();
        endpoint.deliveredRecords().forEach(r -> out.add(number(r)));
        out.removeIf(n -> n < 0);
        return out;
    }

    /** The numbers in the dead-letter files (one JSON line per batch file). */
    private static TreeSet<Long> deadLettered(Path folder) {
        TreeSet<Long> out = new TreeSet<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JSON.readTree(line).path("records").forEach(r -> out.add(number(r)));
                }
            }
        } catch (Exception e) {
            // A file being written right now: read again on the next poll.
            return out;
        }
        return out;
    }
}
