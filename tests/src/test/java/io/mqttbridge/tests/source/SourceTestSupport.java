package io.mqttbridge.tests.source;

import io.mqttbridge.connector.testing.FailOnce;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.mqtt.source.MqttSourceBuilder;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Shared pieces of the source ITs: a job MQTT source -> (optional failing map) -> recording map ->
 * discarding sink, where the recording map puts every record into a static per-run queue (the
 * MiniCluster runs in the test JVM), the MiniCluster and source they use, and waiting helpers.
 */
final class SourceTestSupport {

    /** One received record as the recording map saw it. */
    record Received(int subtask, String topic, String payload, Boolean dup, Integer packetId) {
        boolean isWarmUp() {
            return topic.endsWith("/warm");
        }
    }

    static final Map<String, Queue<Received>> RECEIVED = new ConcurrentHashMap<>();

    private SourceTestSupport() {}

    static Queue<Received> received(String run) {
        return RECEIVED.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>());
    }

    static List<Received> data(String run) {
        List<Received> result = new ArrayList<>();
        for (Received r : received(run)) {
            if (!r.isWarmUp()) {
                result.add(r);
            }
        }
        return result;
    }

    /** Distinct data payloads received so far. */
    static Set<String> distinctData(String run) {
        Set<String> result = new HashSet<>();
        for (Received r : data(run)) {
            result.add(r.payload());
        }
        return result;
    }

    /** Emits "topic \t payload \t dup \t packetId" for each message. */
    static final class LineDeserializer implements MqttMessageDeserializer<String> {
        @Override
        public void deserialize(MqttMessage message, Collector<String> out) {
            out.collect(message.topic() + "\t" + new String(message.payload(), StandardCharsets.UTF_8) + "\t"
                    + message.dup() + "\t" + message.packetId());
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    /** Records into {@link #RECEIVED} under the run id, with the subtask index. */
    static final class Recorder extends RichMapFunction<String, String> {
        private final String run;

        Recorder(String run) {
            this.run = run;
        }

        @Override
        public String map(String line) {
            String[] f = line.split("\t", -1);
            received(run).add(new Received(
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    f[0],
                    f[1],
                    f[2].equals("null") ? null : Boolean.valueOf(f[2]),
                    f[3].equals("null") ? null : Integer.valueOf(f[3])));
            return line;
        }
    }

    /** Job settings of one test: parallelism 1, no checkpointing, no injected failure unless set. */
    static final class JobSpec {
        final String run;
        final MqttSource<String> source;
        int parallelism = 1;
        long checkpointIntervalMs; // 0 = no checkpointing
        int failAfterRecords = -1; // -1 = no injected failure
        String savepoint; // null = a fresh start

        JobSpec(String run, MqttSource<String> source) {
            this.run = run;
            this.source = source;
        }

        JobSpec parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        JobSpec checkpointEvery(long intervalMs) {
            this.checkpointIntervalMs = intervalMs;
            return this;
        }

        JobSpec failAfter(int records) {
            this.failAfterRecords = records;
            return this;
        }

        JobSpec restoreFrom(String savepoint) {
            this.savepoint = savepoint;
            return this;
        }
    }

    /** A MiniCluster of one task manager with {@code slots} slots. */
    static MiniClusterExtension miniCluster(int slots) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }

    /** A run id, unique per test: {@code <prefix>-<8 random hex digits>}. */
    static String newRun(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A source of {@link LineDeserializer} lines from {@code <base>/#}, reconnecting after 100 ms at
     * first and at most after {@code maxBackoff}.
     */
    static MqttSourceBuilder<String> lineSource(String serverUri, String base, Duration maxBackoff) {
        return MqttSource.<String>builder()
                .setServerUri(serverUri)
                .setTopicFilters(base + "/#")
                .setOption(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(100))
                .setOption(MqttOptions.RECONNECT_BACKOFF_MAX, maxBackoff)
                .setDeserializer(new LineDeserializer());
    }

    static JobClient start(JobSpec spec) throws Exception {
        Configuration conf = new Configuration();
        if (spec.checkpointIntervalMs > 0) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(spec.checkpointIntervalMs));
        }
        if (spec.savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, spec.savepoint);
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(spec.parallelism);
        if (spec.checkpointIntervalMs > 0) {
            env.enableCheckpointing(spec.checkpointIntervalMs);
        }
        DataStream<String> stream = env.fromSource(spec.source, WatermarkStrategy.noWatermarks(), "mqtt-" + spec.run);
        if (spec.failAfterRecords >= 0) {
            stream = stream.map(new FailOnce<String>(spec.run, spec.failAfterRecords)).name("fail-once");
        }
        stream.map(new Recorder(spec.run)).name("record").sinkTo(new DiscardingSink<>());
        return env.executeAsync("source-it-" + spec.run);
    }

    /** What a test does while its job runs, with a publisher whose messages the job already receives. */
    @FunctionalInterface
    interface WhileSubscribed {
        void run(MqttTestPublisher publisher) throws Exception;
    }

    /**
     * Starts {@code spec}, connects a publisher {@code pub-<run>} to {@code serverUri}, waits until the
     * job receives its warm-ups to {@code base/warm} ({@link #awaitSubscribed}, one subtask), runs
     * {@code whileSubscribed} and cancels the job.
     */
    static void runSubscribed(String serverUri, JobSpec spec, String base, WhileSubscribed whileSubscribed) throws Exception {
        JobClient job = start(spec);
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(serverUri, "pub-" + spec.run)) {
            awaitSubscribed(publisher, spec.run, base, 1);
            whileSubscribed.run(publisher);
        } finally {
            cancel(job);
        }
    }

    /** {@link #runSubscribed} with nothing to do once subscribed. */
    static void runUntilSubscribed(String serverUri, JobSpec spec, String base) throws Exception {
        runSubscribed(serverUri, spec, base, publisher -> {});
    }

    /** Starts the job, waits until {@code count} distinct data payloads arrived, and cancels it. */
    static void runUntilReceived(JobSpec spec, int count, String what, Duration timeout) throws Exception {
        JobClient job = start(spec);
        try {
            await(count + " " + what, timeout, () -> distinctData(spec.run).size() >= count);
        } finally {
            cancel(job);
        }
    }

    static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        await("job " + job.getJobID() + " cancelled", Duration.ofSeconds(60), () -> status(job) == JobStatus.CANCELED);
    }

    /** The failure of {@code job}, which must fail within {@code timeout}; a job still running then is cancelled. */
    static Throwable failureOf(JobClient job, Duration timeout) throws Exception {
        try {
            job.getJobExecutionResult().get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            JobStatus status = status(job);
            cancel(job);
            throw new AssertionError("Job " + job.getJobID() + " still " + status + " after " + timeout.toSeconds()
                    + " s instead of failing");
        }
        throw new AssertionError("Job " + job.getJobID() + " finished instead of failing");
    }

    static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the job status", e);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Publishes a warm-up message to {@code base/warm} every 100 ms until {@code subtasks} distinct
     * subtasks received one: their subscriptions are in place, nothing published later is lost to
     * a missing subscription.
     */
    static void awaitSubscribed(MqttTestPublisher publisher, String run, String base, int subtasks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int n = 0;
        while (true) {
            Set<Integer> seen = new HashSet<>();
            for (Received r : received(run)) {
                if (r.isWarmUp()) {
                    seen.add(r.subtask());
                }
            }
            if (seen.size() >= subtasks) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Subscribers of run " + run + " not ready after 90 s; warm-ups reached subtasks " + seen);
            }
            publisher.publish(base + "/warm", "warm-" + n++, 1);
            Thread.sleep(100);
        }
    }

    /**
     * Creates the persistent sessions the source will resume ({@code <prefix>-0 .. <prefix>-(n-1)},
     * subscribed to {@code filter} with QoS 1, session expiry 1 h), then disconnects: messages
     * published from now on wait at the broker for the source, whatever the start-up timing.
     * {@code receiveMaximum} must be the source's: Mosquitto 2.0 marks up to the session's last
     * Receive Maximum as in flight while the client is away and resends them all on reconnect, which
     * the client rejects as a protocol error if its new Receive Maximum is smaller.
     */
    static void createSessions(String serverUri, String prefix, int n, String filter, int receiveMaximum) throws Exception {
        for (int i = 0; i < n; i++) {
            Mqtt5AsyncClient client = MqttTestPublisher.clientBuilder(serverUri, prefix + "-" + i).buildAsync();
            client.connectWith().cleanStart(true).sessionExpiryInterval(3600)
                    .restrictions().receiveMaximum(receiveMaximum).applyRestrictions().send().get(30, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().get(30, TimeUnit.SECONDS);
            client.disconnect().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Ends the sessions {@code <prefix>-0 .. <prefix>-(n-1)}: connects each with clean start and session
     * expiry 0, as a user ends the sessions of client ids a source no longer uses.
     */
    static void endSessions(String serverUri, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            Mqtt5AsyncClient client = MqttTestPublisher.clientBuilder(serverUri, prefix + "-" + i).buildAsync();
            client.connectWith().cleanStart(true).sessionExpiryInterval(0).send().get(30, TimeUnit.SECONDS);
            client.disconnect().get(30, TimeUnit.SECONDS);
        }
    }

    /** Count of each data payload (duplicates > 1). */
    static Map<String, Integer> counts(String run) {
        Map<String, Integer> counts = new HashMap<>();
        for (Received r : data(run)) {
            counts.merge(r.payload(), 1, Integer::sum);
        }
        return counts;
    }

    static Set<String> numbers(int count) {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < count; i++) {
            expected.add(Integer.toString(i));
        }
        return expected;
    }
}
