package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.options.FailurePolicy;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.FunctionEndpoint.Answer;
import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.httpfunction.HttpFunctionOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.mqttbridge.httpfunction.sink.FunctionTestJobs.env;
import static io.mqttbridge.httpfunction.sink.FunctionTestJobs.restarts;
import static io.mqttbridge.httpfunction.sink.FunctionTestJobs.sequence;
import static io.mqttbridge.httpfunction.sink.FunctionTestRecords.counts;
import static io.mqttbridge.httpfunction.sink.FunctionTestRecords.perKey;
import static io.mqttbridge.httpfunction.sink.FunctionTestRecords.seq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The http-function sink on a real MiniCluster against a real HTTP server on loopback. */
class FunctionSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** Lets the blocking generator of the max-wait test go on; static: the generator runs in the cluster. */
    static final AtomicBoolean RELEASE = new AtomicBoolean();

    private FunctionEndpoint server;

    @BeforeEach
    void startServer() throws Exception {
        server = FunctionEndpoint.start();
        RELEASE.set(false);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    // ---- batching ------------------------------------------------------------------------------

    @Test
    void everyRequestButTheLastHoldsMaxMessages() throws Exception {
        run(sink().setOption(HttpFunctionOptions.MAX_MESSAGES, 10).setOption(HttpFunctionOptions.MAX_IN_FLIGHT, 1)
                .setOption(HttpFunctionOptions.MAX_WAIT, Duration.ofHours(1)), 95, 1);

        List<Integer> sizes = server.delivered().stream().map(r -> r.records().size()).toList();
        assertThat(sizes).hasSize(10);
        assertThat(sizes.subList(0, 9)).containsOnly(10);
        assertThat(sizes.get(9)).isEqualTo(5);
        // max-in-flight 1, parallelism 1: in arrival order, each exactly once.
        assertThat(server.deliveredRecords().stream().map(FunctionTestRecords::seq).toList())
                .isEqualTo(LongStream.range(0, 95).boxed().toList());
        assertThat(server.requests().get(0).envelope().path("count").asInt()).isEqualTo(10);
        assertThat(server.requests().get(0).envelope().path("function").asText()).isEqualTo("it-function");
    }

    @Test
    void partialBatchIsSentAfterMaxWait() throws Exception {
        StreamExecutionEnvironment env = env(1);
        // The source task must not be the sink's: the generator blocks its thread after 3 records.
        env.disableOperatorChaining();
        GeneratorFunction<Long, Long> blockAfterThree =
                n -> {
                    while (n >= 3 && !RELEASE.get()) {
                        Thread.sleep(10);
                    }
                    return n;
                };
        env.fromSource(new DataGeneratorSource<>(blockAfterThree, 5, Types.LONG), WatermarkStrategy.noWatermarks(), "gen")
                .sinkTo(sink().setOption(HttpFunctionOptions.MAX_MESSAGES, 100)
                        .setOption(HttpFunctionOptions.MAX_WAIT, Duration.ofMillis(200)).build());
        JobClient job = env.executeAsync("max-wait");
        try {
            awaitRecords(3);
            // Sent while the source still holds back record 3 and far from max-messages (100):
            // max-wait sent them, not a full batch and not the end of input.
            assertThat(counts(server.deliveredRecords()).keySet()).containsExactly(0L, 1L, 2L);
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        } finally {
            RELEASE.set(true);
        }
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        assertThat(counts(server.deliveredRecords()).keySet()).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    // ---- retries -------------------------------------------------------------------------------

    @Test
    void failedAttemptsWith503AreRetriedAndNothingIsLost() throws Exception {
        server.behave(r -> r.attempt() <= 2 ? Answer.status(503) : Answer.ok());
        run(sink().setOption(HttpFunctionOptions.MAX_MESSAGES, 5).setOption(HttpFunctionOptions.RETRIES, 3)
                .setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(5)), 50, 2);

        assertThat(counts(server.deliveredRecords())).hasSize(50).allSatisfy((seq, n) -> assertThat(n).isEqualTo(1));
        assertThat(server.delivered()).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(3));
        assertThat(server.requests()).hasSize(server.delivered().size() * 3);
    }

    @Test
    void badRequestIsNotRetriedAndGoesToTheFailurePolicy() throws Exception {
        server.behave(r -> r.records().stream().anyMatch(x -> seq(x) == 7) ? Answer.status(400) : Answer.ok());
        run(sink().setOption(HttpFunctionOptions.RETRIES, 5)
                .setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(5))
                .setOption(HttpFunctionOptions.FAILURE_HANDLING, FailurePolicy.SKIP), 20, 1);

        assertThat(server.requests().stream().filter(r -> seq(r.records().get(0)) == 7)).hasSize(1);
        assertThat(counts(server.deliveredRecords()).keySet())
                .containsExactlyElementsOf(LongStream.range(0, 20).filter(n -> n != 7).boxed().toList());
    }

    @Test
    void timedOutAttemptIsRetried() throws Exception {
        server.behave(r -> {
            if (seq(r.records().get(0)) == 3 && r.attempt() == 1) {
                Thread.sleep(1500);
            }
            return Answer.ok();
        });
        run(sink().setOption(HttpFunctionOptions.REQUEST_TIMEOUT, Duration.ofMillis(300))
                .setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(5)), 10, 1);

        // The first attempt is still sleeping in the server when the job ends; the second attempt
        // exists only because the first one timed out.
        assertThat(server.delivered().stream().filter(r -> seq(r.records().get(0)) == 3).map(r -> r.attempt()))
                .containsExactly(2);
        assertThat(counts(server.deliveredRecords()).keySet()).hasSize(10);
    }

    // ---- failure policies ----------------------------------------------------------------------

    @Test
    void failPolicyFailsTheJobWithAClearErrorAndNoSecrets() {
        server.behave(r -> Answer.status(400));
        FunctionSinkBuilder<Long> sink = sink().setUrl(server.url("/fn") + "?code=QUERY-SECRET").setHeader("Authorization", "Bearer HEADER-SECRET");

        // A source still running when the sink fails: a source that has already finished can make
        // the job report a lost coordinator event as its failure cause instead of the sink's.
        assertThatThrownBy(() -> {
                    StreamExecutionEnvironment env = env(1);
                    sequence(env, 1000, 50).sinkTo(sink.build());
                    env.execute("fail");
                })
                .satisfies(e -> {
                    String all = ExceptionUtils.stringifyException(e);
                    assertThat(all).contains("FunctionInvocationException")
                            .contains("answered HTTP 400")
                            .contains("not retried")
                            .contains("failure-handling = 'fail'")
                            .doesNotContain("QUERY-SECRET")
                            .doesNotContain("HEADER-SECRET");
                });
        // The secret header did reach the function.
        assertThat(server.requests().get(0).headers().get("Authorization")).containsExactly("Bearer HEADER-SECRET");
    }

    @Test
    void failPolicyRestartsFromTheLastCheckpointAndLosesNothing() throws Exception {
        AtomicBoolean failedOnce = new AtomicBoolean();
        server.behave(r -> r.records().stream().anyMatch(x -> seq(x) == 1500) && failedOnce.compareAndSet(false, true)
                ? Answer.status(400) : Answer.ok());
        StreamExecutionEnvironment env = env(2);
        env.enableCheckpointing(100);
        env.configure(restarts(5));
        sequence(env, 2000, 1000).sinkTo(sink().setOption(HttpFunctionOptions.RETRIES, 0).build());
        env.execute("fail-and-restart");

        assertThat(failedOnce).isTrue();
        Map<Long, Integer> counts = counts(server.deliveredRecords());
        assertThat(counts.keySet()).containsExactlyElementsOf(LongStream.range(0, 2000).boxed().toList());
        System.out.println("failPolicyRestarts: duplicates after the restart: "
                + counts.values().stream().mapToInt(n -> n - 1).sum());
    }

    @Test
    void skippedRecordsAreLoggedWithTopicAndMessageIdAndNoSecretIsEverLogged() throws Exception {
        server.behave(r -> seq(r.records().get(0)) == 2 ? Answer.status(400) : Answer.ok());
        try (LogCapture logs = new LogCapture()) {
            run(sink().setUrl(server.url("/fn") + "?code=QUERY-SECRET")
                    .setHeader("Authorization", "Bearer HEADER-SECRET")
                    .setOption(HttpFunctionOptions.FAILURE_HANDLING, FailurePolicy.SKIP), 5, 1);

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("skipped record topic=vehicles/k2/battery message-id=m-2 key=k2")
                    .contains("answered HTTP 400"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("Started http-function").contains("[Authorization]"));
            assertThat(logs.lines()).hasSizeGreaterThan(20); // Flink's own INFO lines are in the capture too
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf("QUERY-SECRET", "HEADER-SECRET"));
        }
        assertThat(server.requests().get(0).headers().get("Authorization")).containsExactly("Bearer HEADER-SECRET");
    }

    @Test
    void skipPolicyDropsOnlyTheFailedBatch() throws Exception {
        server.behave(r -> "k1".equals(r.key()) ? Answer.status(503) : Answer.ok());
        run(sink().setOption(HttpFunctionOptions.RETRIES, 1).setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(1))
                .setOption(HttpFunctionOptions.FAILURE_HANDLING, FailurePolicy.SKIP), 20, 1);

        assertThat(counts(server.deliveredRecords()).keySet())
                .containsExactlyElementsOf(LongStream.range(0, 20).filter(n -> n % 4 != 1).boxed().toList());
        // Two attempts (first + one retry) for each of the 5 records of k1.
        assertThat(server.requests().stream().filter(r -> "k1".equals(r.key()))).hasSize(10);
    }

    @Test
    void deadLetterFilesHoldTheFailedBatchWithItsError(@TempDir Path dir) throws Exception {
        server.behave(r -> "k1".equals(r.key()) ? Answer.status(500) : Answer.ok());
        run(sink().setOption(HttpFunctionOptions.RETRIES, 1).setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(1))
                .setOption(HttpFunctionOptions.FAILURE_HANDLING, FailurePolicy.DEAD_LETTER)
                .setOption(HttpFunctionOptions.DEAD_LETTER_PATH, dir.toUri().toString()), 20, 1);

        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                assertThat(f.getFileName().toString()).startsWith("it-function-0-").endsWith(".jsonl");
                lines.addAll(Files.readAllLines(f));
            }
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> letters = new ArrayList<>();
        for (String line : lines) {
            letters.add(json.readTree(line));
        }
        assertThat(letters).hasSize(5).allSatisfy(l -> {
            assertThat(l.path("function").asText()).isEqualTo("it-function");
            assertThat(l.path("attempts").asInt()).isEqualTo(2);
            assertThat(l.path("status").asInt()).isEqualTo(500);
            assertThat(l.path("error").asText()).contains("answered HTTP 500");
            assertThat(l.path("records").get(0).path("key").asText()).isEqualTo("k1");
            assertThat(l.path("records").get(0).path("topic").asText()).isEqualTo("vehicles/k1/battery");
        });
        assertThat(letters.stream().map(l -> seq(l.path("records").get(0))).sorted().toList())
                .containsExactly(1L, 5L, 9L, 13L, 17L);
        assertThat(counts(server.deliveredRecords())).hasSize(15);
    }

    @Test
    void connectionErrorsAreRetriedThenDeadLettered(@TempDir Path dir) throws Exception {
        int closedPort = FreePorts.pick();
        run(sink().setUrl("http://127.0.0.1:" + closedPort + "/fn")
                .setOption(HttpFunctionOptions.MAX_MESSAGES, 3).setOption(HttpFunctionOptions.MAX_WAIT, Duration.ofHours(1))
                .setOption(HttpFunctionOptions.RETRIES, 2).setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(1))
                .setOption(HttpFunctionOptions.FAILURE_HANDLING, FailurePolicy.DEAD_LETTER)
                .setOption(HttpFunctionOptions.DEAD_LETTER_PATH, dir.toString()), 3, 1);

        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        JsonNode letter = new ObjectMapper().readTree(Files.readString(files.get(0)));
        assertThat(letter.path("attempts").asInt()).isEqualTo(3);
        assertThat(letter.path("status").asInt()).isEqualTo(-1);
        assertThat(letter.path("error").asText()).contains("connection refused or unreachable");
        assertThat(letter.path("records")).hasSize(3);
    }

    // ---- ordering ------------------------------------------------------------------------------

    @Test
    void sequentialKeepsEachKeysOrderAcrossRetries() throws Exception {
        Random random = new Random(42);
        server.behave(r -> {
            Thread.sleep(2 + random.nextInt(5));
            return random.nextInt(4) == 0 ? Answer.status(503) : Answer.ok();
        });
        int keys = 6;
        run(sink().setOption(HttpFunctionOptions.ORDERING, HttpFunctionOptions.Ordering.SEQUENTIAL)
                .setOption(HttpFunctionOptions.MAX_MESSAGES, 4).setOption(HttpFunctionOptions.MAX_IN_FLIGHT, 8)
                .setOption(HttpFunctionOptions.RETRIES, 20)
                .setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(1))
                .setOption(HttpFunctionOptions.RETRY_BACKOFF_MAX, Duration.ofMillis(5)), 600, 1, keys);

        assertThat(server.requests().stream().filter(r -> !r.delivered())).isNotEmpty();
        Map<String, List<Long>> perKey = perKey(server.deliveredRecords());
        assertThat(perKey).hasSize(keys);
        for (int k = 0; k < keys; k++) {
            long key = k;
            assertThat(perKey.get("k" + k))
                    .as("records of key k%d in delivery order", k)
                    .isEqualTo(LongStream.range(0, 600).filter(n -> n % keys == key).boxed().toList());
        }
        // A request holds records of several keys (max-messages 4 of 6 keys), one request per key at a time.
        assertThat(server.requests()).anySatisfy(r ->
                assertThat(r.records().stream().map(x -> x.path("key").asText()).distinct().count()).isGreaterThan(1));
        assertThat(server.maxInFlightPerKey()).isEqualTo(1);
        // Keys proceed in parallel, but never more than max-in-flight requests at once.
        assertThat(server.maxInFlight()).isBetween(2, 8);
    }

    @Test
    void concurrentUsesUpToMaxInFlight() throws Exception {
        server.behave(r -> {
            Thread.sleep(50);
            return Answer.ok();
        });
        run(sink().setOption(HttpFunctionOptions.MAX_IN_FLIGHT, 4), 40, 1);

        assertThat(server.maxInFlight()).isEqualTo(4);
        assertThat(counts(server.deliveredRecords())).hasSize(40);
    }

    // ---- at-least-once across a TaskManager failover --------------------------------------------

    @Test
    void everyRecordArrivesAtLeastOnceAcrossATaskManagerFailover(@InjectMiniCluster MiniCluster cluster) throws Exception {
        server.behave(r -> {
            Thread.sleep(2);
            return Answer.ok();
        });
        StreamExecutionEnvironment env = env(2);
        env.enableCheckpointing(200);
        env.configure(restarts(5));
        int total = 4000;
        WRITERS_OPENED.set(0);
        sequence(env, total, 1000).sinkTo(sink().setOption(HttpFunctionOptions.MAX_MESSAGES, 10)
                .setElementConverter(new CountingConverter()).build());
        JobClient job = env.executeAsync("failover");
        awaitRecords(1000);
        // Both TaskManagers go (wherever the scheduler put the tasks); two fresh ones take over.
        cluster.terminateTaskManager(0).get(1, TimeUnit.MINUTES);
        cluster.terminateTaskManager(1).get(1, TimeUnit.MINUTES);
        cluster.startTaskManager();
        cluster.startTaskManager();
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        // Two sink writers before the failover, two after it: the job really restarted.
        assertThat(WRITERS_OPENED.get()).isEqualTo(4);

        Map<Long, Integer> counts = counts(server.deliveredRecords());
        assertThat(counts.keySet()).containsExactlyElementsOf(LongStream.range(0, total).boxed().toList());
        long duplicates = counts.values().stream().mapToInt(n -> n - 1).sum();
        System.out.println("TaskManager failover: " + total + " records, " + duplicates + " duplicates ("
                + counts.values().stream().filter(n -> n > 1).count() + " records delivered more than once)");
    }

    // ---- helpers -------------------------------------------------------------------------------

    static final AtomicInteger WRITERS_OPENED = new AtomicInteger();

    /** Counts writer starts (open is called once per writer), in the test JVM's MiniCluster. */
    private static final class CountingConverter implements org.apache.flink.connector.base.sink.writer.ElementConverter<Long, FunctionRecord> {
        @Override
        public void open(org.apache.flink.api.connector.sink2.WriterInitContext context) {
            WRITERS_OPENED.incrementAndGet();
        }

        @Override
        public FunctionRecord apply(Long n, org.apache.flink.api.connector.sink2.SinkWriter.Context context) {
            return FunctionTestRecords.record(n, 4);
        }
    }

    private FunctionSinkBuilder<Long> sink() {
        return FunctionSink.<Long>builder()
                .setUrl(server.url("/fn"))
                .setName("it-function")
                .setElementConverter((n, ctx) -> FunctionTestRecords.record(n, 4));
    }

    private void run(FunctionSinkBuilder<Long> sink, long count, int parallelism) throws Exception {
        run(sink, count, parallelism, 4);
    }

    private void run(FunctionSinkBuilder<Long> sink, long count, int parallelism, int keys) throws Exception {
        StreamExecutionEnvironment env = env(parallelism);
        env.fromSource(new DataGeneratorSource<>(n -> n, count, Types.LONG), WatermarkStrategy.noWatermarks(), "gen")
                .setParallelism(1)
                .sinkTo(sink.setElementConverter((n, ctx) -> FunctionTestRecords.record(n, keys)).build());
        env.execute();
    }

    private void awaitRecords(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (server.deliveredRecords().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the function received " + server.deliveredRecords().size() + " of " + n + " records in 2 minutes");
            }
            Thread.sleep(20);
        }
    }
}
