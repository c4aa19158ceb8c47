package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoint and savepoint kinds of the failure-injection suite, each test once on HiveMQ CE and once on
 * ActiveMQ Artemis (more duplicates there, docs/brokers.md "ActiveMQ Artemis"): three publishers of a
 * numbered QoS 1 sequence, MQTT -> Kafka with a shared group of 2 subscribers and checkpoints every
 * 200 ms; lost and duplicates are counted from the Kafka topic.
 *
 * <ul>
 *   <li>Checkpoint failing after the source's snapshot: a DataStream job MqttSource -> map -> KafkaSink
 *       whose map throws in snapshotState, once per injection at a random moment under load, so the
 *       source has already snapshotted that checkpoint when it fails. With
 *       'execution.checkpointing.tolerable-failed-checkpoints' 0 and a fixed-delay restart strategy
 *       the job restarts from the last completed checkpoint. Expected: nothing of the failed
 *       checkpoint was acknowledged to the broker, i.e. every number the map saw after the last
 *       completed checkpoint is delivered again after the restart; lost 0.
 *   <li>Stop-with-savepoint and restore: the route job is stopped with a savepoint at random moments
 *       under load and a new job restored from it while the publishers go on. Expected: lost 0.
 *   <li>Rescale 2 -> 4 -> 1 from savepoints: the route job starts at parallelism 2 with 'subscribers' =
 *       '2', is stopped with a savepoint and restored at parallelism 4, then at 1, from a routes file
 *       without 'subscribers' (whose default would be the parallelism). Expected: the restored jobs
 *       connect exactly the two saved splits, client ids {@code <prefix>-0} and {@code <prefix>-1};
 *       lost 0.
 * </ul>
 */
class CheckpointAndSavepointITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final String CONNECTION_LOGGER = "io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection";

    /** "MQTT connection <client id> to <uri> established, ...": a reader connected a split. */
    private static final Pattern ESTABLISHED = Pattern.compile("MQTT connection (\\S+) to \\S+ (?:re-)?established");

    /** What the failing map of a run saw and the failures it injected; the MiniCluster runs in this JVM. */
    static final class Injections {
        final AtomicBoolean armed = new AtomicBoolean();
        /** Numbers seen, with the attempt number of the subtask that saw them. */
        final Queue<long[]> seen = new ConcurrentLinkedQueue<>();
        /** Per injected failure: the failing attempt, then the numbers seen after the last completed checkpoint. */
        final Queue<long[]> failures = new ConcurrentLinkedQueue<>();
    }

    static final Map<String, Injections> INJECTIONS = new ConcurrentHashMap<>();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestBroker.Kind.class, names = {"HIVEMQ", "ARTEMIS"})
    void aCheckpointFailingAfterTheSourceSnapshotAcknowledgesNothingOfIt(TestBroker.Kind broker, @TempDir Path tmp) throws Exception {
        try (FaultLoad load = FaultLoad.start("checkpoint failing after the source's snapshot", broker, tmp)) {
            Injections injections = new Injections();
            INJECTIONS.put(load.base, injections);
            JobClient job = startFailingSnapshotJob(load);
            Runnable checkRunning = () -> assertRunning(job);
            try {
                load.awaitSubscribed(checkRunning);
                try (NumberedSequence sequence = load.startSequenceOver(10)) {
                    for (int i = 1; i <= FailureRun.injections(); i++) {
                        int expected = i;
                        load.injectUnderLoad(sequence, "injection " + i, () -> {
                            injections.armed.set(true);
                            FaultLoad.await("the injected checkpoint failure", Duration.ofSeconds(60),
                                    () -> injections.failures.size() >= expected);
                            return checkRunning;
                        });
                    }
                    load.assertNothingLost(sequence, checkRunning);
                    for (long[] failure : injections.failures) {
                        System.out.println("RELIABILITY failed checkpoint of attempt " + failure[0] + ": "
                                + (failure.length - 1) + " numbers seen after the last completed checkpoint");
                        assertThat(notSeenAgain(injections, failure))
                                .as("numbers of the failed checkpoint of attempt %s not delivered again after the restart", failure[0])
                                .isEmpty();
                    }
                }
            } finally {
                INJECTIONS.remove(load.base);
                if (!status(job).isGloballyTerminalState()) {
                    job.cancel().get(60, TimeUnit.SECONDS);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestBroker.Kind.class, names = {"HIVEMQ", "ARTEMIS"})
    void stopWithSavepointAndRestoreUnderLoadLosesNothing(TestBroker.Kind broker, @TempDir Path tmp) throws Exception {
        try (FaultLoad load = FaultLoad.start("stop-with-savepoint and restore", broker, tmp)) {
            Path routes = load.routes(tmp, "'subscribers' = '2', 'reconnect.max-backoff' = '1 s', ");
            RouteJob[] job = {RouteJob.submit(routes, load.env(load.broker.serverUri()), new Configuration())};
            try {
                load.awaitSubscribed(job[0]::assertRunning);
                try (NumberedSequence sequence = load.startSequenceOver(10)) {
                    for (int i = 1; i <= FailureRun.injections(); i++) {
                        load.injectUnderLoad(sequence, "injection " + i, () -> {
                            String savepoint = stopWithSavepoint(job[0], tmp);
                            job[0] = RouteJob.submit(routes, load.env(load.broker.serverUri()), restoreFrom(savepoint, 1));
                            return job[0]::assertRunning;
                        });
                    }
                    load.assertNothingLost(sequence, job[0]::assertRunning);
                }
            } finally {
                job[0].close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestBroker.Kind.class, names = {"HIVEMQ", "ARTEMIS"})
    void rescaleFromSavepointsKeepsTheSavedSplitsAndLosesNothing(TestBroker.Kind broker, @TempDir Path tmp) throws Exception {
        // 2 -> 4 -> 1, and in the long form on through 4, 1, ... until every injection is a rescale.
        int[] parallelisms = new int[FailureRun.injections()];
        for (int i = 0; i < parallelisms.length; i++) {
            parallelisms[i] = i % 2 == 0 ? 4 : 1;
        }
        try (FaultLoad load = FaultLoad.start("rescale 2 -> 4 -> 1 from savepoints", broker, tmp)) {
            Path first = load.routes(tmp.resolve("first"), "'subscribers' = '2', 'reconnect.max-backoff' = '1 s', ");
            // Without 'subscribers' its default is the parallelism: only the saved state can make the splits 2 at parallelism 4.
            Path restored = load.routes(tmp.resolve("restored"), "'reconnect.max-backoff' = '1 s', ");
            RouteJob[] job = {RouteJob.submit(first, load.env(load.broker.serverUri()), parallelism(2))};
            try {
                load.awaitSubscribed(job[0]::assertRunning);
                try (NumberedSequence sequence = load.startSequenceOver(10)) {
                    for (int parallelism : parallelisms) {
                        try (LogCapture logs = new LogCapture(CONNECTION_LOGGER)) {
                            load.injectUnderLoad(sequence, "the rescale to " + parallelism, () -> {
                                String savepoint = stopWithSavepoint(job[0], tmp);
                                job[0] = RouteJob.submit(restored, load.env(load.broker.serverUri()), restoreFrom(savepoint, parallelism));
                                return job[0]::assertRunning;
                            });
                            // Fresh numbers arrive once one split reads: the other split's connection may still be on its way.
                            FaultLoad.await("both saved splits connected", Duration.ofSeconds(60), () -> clientIds(logs).size() >= 2);
                            assertThat(clientIds(logs)).as("client ids connected at parallelism %s: %s", parallelism, logs.lines())
                                    .containsExactlyInAnyOrder(load.base + "-0", load.base + "-1");
                        }
                    }
                    load.assertNothingLost(sequence, job[0]::assertRunning);
                }
            } finally {
                job[0].close();
            }
        }
    }

    /** MqttSource -> failing map -> KafkaSink (at-least-once), restarted after each injected checkpoint failure. */
    private static JobClient startFailingSnapshotJob(FaultLoad load) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "200 ms");
        // A failed checkpoint fails the job at once: the restart from the last completed checkpoint is the injected fault.
        conf.setString("execution.checkpointing.tolerable-failed-checkpoints", "0");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", Integer.toString(FailureRun.injections() + 2));
        conf.setString("restart-strategy.fixed-delay.delay", "500 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        MqttSource<Long> source = MqttSource.<Long>builder()
                .setServerUri(load.broker.serverUri())
                .setTopicFilters(load.base + "/#")
                .setSharedGroup(load.base)
                .setSubscribers(2)
                .setClientIdPrefix(load.base)
                .setQos(1)
                .setOption(MqttOptions.RECONNECT_BACKOFF_MAX, Duration.ofSeconds(1))
                .setDeserializer(new NumberDeserializer())
                .build();
        KafkaSink<String> sink = KafkaSink.<String>builder()
                .setBootstrapServers(load.kafka.bootstrapServers())
                .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                        .setTopic(FaultLoad.TOPIC).setValueSerializationSchema(new SimpleStringSchema()).build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt")
                .map(new FailingSnapshot(load.base)).name("failing-snapshot")
                .sinkTo(sink).name("kafka");
        return env.executeAsync("failing-snapshot-" + load.base);
    }

    /** The numbers of {@code failure} that no later attempt saw. */
    private static Set<Long> notSeenAgain(Injections injections, long[] failure) {
        Set<Long> missing = new TreeSet<>();
        for (int i = 1; i < failure.length; i++) {
            missing.add(failure[i]);
        }
        for (long[] seen : injections.seen) {
            if (seen[0] > failure[0]) {
                missing.remove(seen[1]);
            }
        }
        return missing;
    }

    private static String stopWithSavepoint(RouteJob job, Path tmp) throws Exception {
        return job.client.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
    }

    private static Configuration parallelism(int parallelism) {
        Configuration conf = new Configuration();
        conf.setString("parallelism.default", Integer.toString(parallelism));
        return conf;
    }

    private static Configuration restoreFrom(String savepoint, int parallelism) {
        Configuration conf = parallelism(parallelism);
        conf.setString("execution.state-recovery.path", savepoint);
        return conf;
    }

    /** The distinct client ids the captured connection lines name. */
    private static Set<String> clientIds(LogCapture logs) {
        Set<String> ids = new TreeSet<>();
        for (String line : logs.lines()) {
            Matcher m = ESTABLISHED.matcher(line);
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the status of job " + job.getJobID(), e);
        }
    }

    private static void assertRunning(JobClient job) {
        JobStatus status = status(job);
        if (status.isGloballyTerminalState()) {
            Throwable failure = null;
            try {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                failure = e;
            }
            throw new AssertionError("The job ended with status " + status, failure);
        }
    }

    /** The number a payload carries; a probe becomes -1, which {@link FaultLoad#number} counts as a probe too. */
    static final class NumberDeserializer implements MqttMessageDeserializer<Long> {
        @Override
        public void deserialize(MqttMessage message, Collector<Long> out) {
            String payload = new String(message.payload(), StandardCharsets.UTF_8);
            out.collect(payload.startsWith("probe-") ? -1L : Long.parseLong(payload));
        }

        @Override
        public TypeInformation<Long> getProducedType() {
            return Types.LONG;
        }
    }

    /**
     * Passes records through; when its run is armed, throws in the snapshot of the next checkpoint
     * after a completed one, so the numbers it saw since that completed checkpoint belong to a
     * checkpoint the source has snapshotted but that never completes.
     */
    static final class FailingSnapshot extends RichMapFunction<Long, String> implements CheckpointedFunction, CheckpointListener {
        private final String run;
        private transient List<Long> sinceSnapshot;
        private transient long lastSnapshot;
        private transient long lastCompleted;

        FailingSnapshot(String run) {
            this.run = run;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            sinceSnapshot = new ArrayList<>();
            lastSnapshot = -1;
            lastCompleted = -2;
        }

        @Override
        public String map(Long number) {
            if (number >= 0) {
                sinceSnapshot.add(number);
                INJECTIONS.get(run).seen.add(new long[] {attempt(), number});
            }
            return Long.toString(number);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            Injections injections = INJECTIONS.get(run);
            // Only right after a completed checkpoint: then exactly the numbers since it are uncovered.
            if (lastCompleted == lastSnapshot && !sinceSnapshot.isEmpty() && injections.armed.compareAndSet(true, false)) {
                long[] failure = new long[sinceSnapshot.size() + 1];
                failure[0] = attempt();
                for (int i = 0; i < sinceSnapshot.size(); i++) {
                    failure[i + 1] = sinceSnapshot.get(i);
                }
                injections.failures.add(failure);
                throw new IllegalStateException("Injected failure in the snapshot of checkpoint " + context.getCheckpointId());
            }
            lastSnapshot = context.getCheckpointId();
            sinceSnapshot = new ArrayList<>();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            lastCompleted = checkpointId;
        }

        private long attempt() {
            return getRuntimeContext().getTaskInfo().getAttemptNumber();
        }
    }
}
