package io.mqttbridge.rocketmq.source;

import io.mqttbridge.connector.testing.FailOnce;
import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;
import io.mqttbridge.rocketmq.source.reader.PullConsumerQueueClient;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The source against the embedded RocketMQ name server and broker, in a MiniCluster. */
class RocketMqSourceITCase {

    private static final String BROKER = EmbeddedRocketMq.BROKER_NAME;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @TempDir static Path folder;
    static EmbeddedRocketMq rocketMq;
    static RocketMqTestProducer producer;

    /** run -> records seen by the job (at least once). */
    static final Map<String, Queue<String>> RECEIVED = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        rocketMq = EmbeddedRocketMq.start(folder.resolve("rocketmq"));
        producer = new RocketMqTestProducer(rocketMq.nameServer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (rocketMq != null) {
            rocketMq.close();
        }
    }

    @Test
    void startupModesReadFromTheDocumentedPosition() throws Exception {
        String topic = topic("modes");
        rocketMq.createTopic(topic, 2);
        List<String> first = sendNumbered(topic, "old-", 10);
        Thread.sleep(50);
        long between = System.currentTimeMillis();
        Thread.sleep(50);
        List<String> second = sendNumbered(topic, "new-", 10);
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        String group = "g-" + topic;

        // earliest: everything the broker keeps; its checkpoints report the group's offsets to the broker
        String earliest = runUntil(source(topic, group).setStartupMode(StartupMode.EARLIEST), 20,
                () -> awaitCommitted(topic, group, 10, 10));
        assertThat(received(earliest)).containsExactlyInAnyOrderElementsOf(all);

        // timestamp: from the first message stored at or after the time
        String fromTime = runUntil(source(topic, "other-" + group).setStartupTimestamp(between), 10, () -> {});
        assertThat(received(fromTime)).containsExactlyInAnyOrderElementsOf(second);

        // group-offsets: where the earliest job's last completed checkpoint left the group
        List<String> third = sendNumbered(topic, "third-", 4);
        String fromGroup = runUntil(source(topic, group).setStartupMode(StartupMode.GROUP_OFFSETS), 4, () -> {});
        assertThat(received(fromGroup)).containsExactlyInAnyOrderElementsOf(third);

        // latest: only what is written after the source found the queues
        String run = "latest-" + UUID.randomUUID();
        JobClient job = start(run, source(topic, "latest-" + group).setStartupMode(StartupMode.LATEST).build(), 2, 0);
        try {
            int probes = 0;
            while (received(run).isEmpty()) {
                producer.send(topic, BROKER, probes % 2, "probe-" + probes++);
                Thread.sleep(200);
                assertThat(probes).as("probes sent until the latest job reads").isLessThan(300);
            }
            List<String> late = sendNumbered(topic, "late-", 6);
            await("the late messages", () -> received(run).containsAll(late));
            assertThat(received(run)).doesNotContainAnyElementsOf(all).doesNotContainAnyElementsOf(third)
                    .allMatch(r -> r.startsWith("probe-") || r.startsWith("late-"));
        } finally {
            cancel(job);
        }
    }

    @Test
    void offsetsOfCompletedCheckpointsAreReportedToTheBrokerAsTheGroupsProgress() throws Exception {
        String topic = topic("commit");
        rocketMq.createTopic(topic, 2);
        sendNumbered(topic, "m-", 8);
        String group = "g-" + topic;
        assertThat(committed(topic, group, 0)).as("the new group's offset before the job").isLessThan(4);
        String run = "commit-" + UUID.randomUUID();
        JobClient job = start(run, source(topic, group).setStartupMode(StartupMode.EARLIEST).build(), 1, 0);
        try {
            awaitCommitted(topic, group, 4, 4);
        } finally {
            cancel(job);
        }
    }

    @Test
    void restoreFromACheckpointNeitherLosesNorRepeatsAMessage() throws Exception {
        String topic = topic("restore");
        rocketMq.createTopic(topic, 4);
        int count = 3000;
        String run = "restore-" + UUID.randomUUID();
        JobClient job = start(run, source(topic, "g-" + topic).setStartupMode(StartupMode.EARLIEST).build(), 2, 500);
        try {
            // paced, so that checkpoints complete while the sequence flows and the failure hits mid-stream
            for (int n = 1; n <= count; n++) {
                producer.send(topic, BROKER, n % 4, Integer.toString(n));
                if (n % 50 == 0) {
                    Thread.sleep(20);
                }
            }
            await(count + " committed records", () -> ExactlyOnceCollector.committed(run).size() >= count);
            Thread.sleep(1_000); // a few more checkpoints: a duplicate would be committed by now
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        } finally {
            cancel(job);
        }
        assertThat(FailOnce.failed(run)).as("the injected failure happened").isTrue();
        List<Long> committed = ExactlyOnceCollector.committed(run).stream().map(Long::valueOf).sorted().collect(Collectors.toList());
        assertThat(committed).isEqualTo(LongStream.rangeClosed(1, count).boxed().collect(Collectors.toList()));
    }

    @Test
    void aQueueAddedWhileRunningIsRead() throws Exception {
        String topic = topic("grow");
        rocketMq.createTopic(topic, 2);
        String run = "grow-" + UUID.randomUUID();
        JobClient job = start(run,
                source(topic, "g-" + topic).setStartupMode(StartupMode.EARLIEST).setDiscoveryInterval(Duration.ofMillis(300)).build(), 2, 0);
        try {
            producer.send(topic, BROKER, 0, "q0");
            producer.send(topic, BROKER, 1, "q1");
            await("the first two queues", () -> received(run).size() >= 2);

            rocketMq.createTopic(topic, 4);
            producer.send(topic, BROKER, 2, "q2");
            producer.send(topic, BROKER, 3, "q3");

            await("the added queues", () -> received(run).size() >= 4);
            assertThat(received(run)).containsExactlyInAnyOrder("q0", "q1", "q2", "q3");
        } finally {
            cancel(job);
        }
    }

    // ---------------------------------------------------------------------------------------------

    static String topic(String what) {
        return "source-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RocketMqSourceBuilder<String> source(String topic, String group) {
        return RocketMqSource.<String>builder()
                .setNameServer(rocketMq.nameServer())
                .setTopic(topic)
                .setConsumerGroup(group)
                .setDeserializer(RocketMqMessageDeserializer.body(new SimpleStringSchema()));
    }

    /** {@code prefix1 .. prefix<n>}, alternating over queues 0 and 1. */
    static List<String> sendNumbered(String topic, String prefix, int n) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            producer.send(topic, BROKER, i % 2, prefix + i);
            bodies.add(prefix + i);
        }
        return bodies;
    }

    static List<String> received(String run) {
        return new ArrayList<>(RECEIVED.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>()));
    }

    /** Runs a job of parallelism 2 until it received {@code count} records and {@code then} returned; returns its run id. */
    static String runUntil(RocketMqSourceBuilder<String> source, int count, ThrowingRunnable then) throws Exception {
        String run = "run-" + UUID.randomUUID();
        JobClient job = start(run, source.build(), 2, 0);
        try {
            await(count + " records", () -> received(run).size() >= count);
            then.run();
            Thread.sleep(300); // anything beyond the expected records would arrive now
        } finally {
            cancel(job);
        }
        return run;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The group's committed offset of queue {@code queueId} at the broker, -1 for none. */
    static long committed(String topic, String group, int queueId) throws Exception {
        try (PullConsumerQueueClient client = PullConsumerQueueClient.start(source(topic, group).build().config(), "test")) {
            return client.committedOffset(new MessageQueue(topic, BROKER, queueId));
        }
    }

    static void awaitCommitted(String topic, String group, long queue0, long queue1) throws Exception {
        try (PullConsumerQueueClient client = PullConsumerQueueClient.start(source(topic, group).build().config(), "test")) {
            await("committed offsets " + queue0 + ", " + queue1 + " of group " + group, () -> {
                try {
                    return client.committedOffset(new MessageQueue(topic, BROKER, 0)) == queue0
                            && client.committedOffset(new MessageQueue(topic, BROKER, 1)) == queue1;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** source -> (fail once after {@code failAfter} records, if > 0) -> record -> exactly-once collector; checkpoints every 100 ms. */
    static JobClient start(String run, RocketMqSource<String> source, int parallelism, int failAfter) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(100);
        DataStream<String> stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "rocketmq-" + run);
        if (failAfter > 0) {
            stream = stream.map(new FailOnce<String>(run, failAfter)).name("fail-once");
        }
        stream.map(new Recorder(run)).name("record")
                .map(new ExactlyOnceCollector(run)).name("collect")
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("rocketmq-source-it-" + run);
    }

    static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        await("job cancelled", () -> {
            try {
                return job.getJobStatus().get(10, TimeUnit.SECONDS) == JobStatus.CANCELED;
            } catch (Exception e) {
                return false;
            }
        });
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after 120 s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    static final class Recorder extends RichMapFunction<String, String> {
        private final String run;

        Recorder(String run) {
            this.run = run;
        }

        @Override
        public String map(String record) {
            RECEIVED.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>()).add(record);
            return record;
        }
    }
}
