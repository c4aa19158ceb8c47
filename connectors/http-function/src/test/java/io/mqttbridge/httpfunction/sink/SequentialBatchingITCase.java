package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.FunctionEndpoint.Answer;
import io.mqttbridge.httpfunction.HttpFunctionOptions;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static io.mqttbridge.httpfunction.sink.FunctionTestJobs.env;
import static io.mqttbridge.httpfunction.sink.FunctionTestJobs.restarts;
import static io.mqttbridge.httpfunction.sink.FunctionTestJobs.sequence;
import static io.mqttbridge.httpfunction.sink.FunctionTestRecords.counts;
import static io.mqttbridge.httpfunction.sink.FunctionTestRecords.seq;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ordering = 'sequential'} with many keys: 1,000 keys, max-messages 100, a steady input.
 * Batches stay full (measured from the requests the function received), each key has at most one
 * request in flight, and each key's records arrive in order, across retries and across a restart
 * from a checkpoint.
 */
class SequentialBatchingITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int KEYS = 1000;
    private static final int MAX_MESSAGES = 100;
    private static final long RECORDS = 30_000;
    private static final double PER_SECOND = 4000;

    /** The map in front of the sink fails once; static: it runs in the cluster. */
    static final AtomicBoolean FAILED = new AtomicBoolean();

    private FunctionEndpoint server;
    /** Requests per key being answered right now, and the most seen at once. */
    private final Map<String, AtomicInteger> busy = new ConcurrentHashMap<>();
    private final AtomicInteger maxBusyPerKey = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    @BeforeEach
    void startServer() throws Exception {
        server = FunctionEndpoint.start();
        FAILED.set(false);
        // Every key of every request counts as in flight while the function answers; every 10th
        // first attempt is answered 503 and retried.
        server.behave(r -> {
            Set<String> keys = new LinkedHashSet<>();
            r.records().forEach(x -> keys.add(x.path("key").asText()));
            keys.forEach(k -> maxBusyPerKey.accumulateAndGet(busy.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet(), Math::max));
            try {
                Thread.sleep(3);
                return r.attempt() == 1 && answered.incrementAndGet() % 10 == 0 ? Answer.status(503) : Answer.ok();
            } finally {
                keys.forEach(k -> busy.get(k).decrementAndGet());
            }
        });
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void batchesStayFullAndEachKeyStaysInOrderAcrossRetries() throws Exception {
        StreamExecutionEnvironment env = env(1);
        sinkKeyed(sequence(env, RECORDS, PER_SECOND));
        env.execute("sequential-batches");

        assertThat(server.requests().stream().filter(r -> !r.delivered())).as("503 answers, retried").isNotEmpty();
        assertThat(counts(server.deliveredRecords()))
                .as("every record exactly once")
                .containsOnlyKeys(LongStream.range(0, RECORDS).boxed().toList())
                .allSatisfy((seq, n) -> assertThat(n).isEqualTo(1));
        assertInOrderPerKey(server.deliveredRecords());
        assertThat(maxBusyPerKey.get()).as("requests of one key in flight at once").isEqualTo(1);
        assertMeanBatch("retries");
    }

    @Test
    void eachKeyStaysInOrderAcrossARestartFromACheckpoint() throws Exception {
        StreamExecutionEnvironment env = env(1);
        env.enableCheckpointing(200);
        env.configure(restarts(3));
        long failAt = RECORDS / 2;
        sinkKeyed(sequence(env, RECORDS, PER_SECOND).map(n -> {
            if (n == failAt && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("planned failure at record " + n);
            }
            return n;
        }));
        env.execute("sequential-batches-restart");

        assertThat(FAILED).isTrue();
        Map<Long, Integer> counts = counts(server.deliveredRecords());
        assertThat(counts).as("every record at least once").containsOnlyKeys(LongStream.range(0, RECORDS).boxed().toList());
        assertInOrderPerKey(server.deliveredRecords());
        assertThat(maxBusyPerKey.get()).as("requests of one key in flight at once").isEqualTo(1);
        System.out.println("SequentialBatchingITCase restart: duplicates "
                + counts.values().stream().mapToInt(n -> n - 1).sum());
        assertMeanBatch("restart");
    }

    /**
     * Per key, records arrive in sequence: the first delivery of each record follows the first
     * delivery of its key's previous record, and a record delivered again after a restart (a
     * replay from the checkpoint) follows its predecessor too: nothing overtakes.
     */
    private static void assertInOrderPerKey(List<JsonNode> delivered) {
        Map<String, Set<Long>> seen = new HashMap<>();
        for (JsonNode r : delivered) {
            long seq = seq(r);
            String key = r.path("key").asText();
            assertThat(key).isEqualTo("k" + seq % KEYS);
            Set<Long> ofKey = seen.computeIfAbsent(key, k -> new HashSet<>());
            if (seq >= KEYS) {
                assertThat(ofKey).as("record %d of key %s arrived after record %d", seq, key, seq - KEYS).contains(seq - KEYS);
            }
            ofKey.add(seq);
        }
    }

    private void assertMeanBatch(String run) {
        List<FunctionEndpoint.Request> delivered = server.delivered();
        double mean = delivered.stream().mapToInt(r -> r.records().size()).average().orElse(0);
        System.out.printf("SequentialBatchingITCase %s: %d keys, max-messages %d: %d delivered requests, mean batch %.1f%n",
                run, KEYS, MAX_MESSAGES, delivered.size(), mean);
        assertThat(mean).as("mean records per delivered request").isGreaterThanOrEqualTo(0.8 * MAX_MESSAGES);
    }

    /** Two sink subtasks; a key goes to one of them (the table sink shuffles so by itself). */
    private void sinkKeyed(DataStream<Long> numbers) {
        numbers.keyBy(n -> n % KEYS)
                .sinkTo(FunctionSink.<Long>builder()
                        .setUrl(server.url("/fn"))
                        .setName("batching-it")
                        .setOption(HttpFunctionOptions.ORDERING, HttpFunctionOptions.Ordering.SEQUENTIAL)
                        .setOption(HttpFunctionOptions.MAX_MESSAGES, MAX_MESSAGES)
                        .setOption(HttpFunctionOptions.RETRIES, 5)
                        .setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(5))
                        .setElementConverter((n, ctx) -> FunctionTestRecords.record(n, KEYS))
                        .build())
                .setParallelism(2);
    }
}
