package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.CheckpointingRequiredException;
import io.mqttbridge.mqtt.source.MqttSourceBuilder;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 3: a source with ack-mode 'checkpoint' in a job without checkpointing fails the job
 * when it starts, naming what to set, instead of stalling after one Receive Maximum window while the
 * job shows RUNNING. With checkpointing (also when set only in the SQL session) it runs past that
 * window, because checkpoints release the acknowledgements.
 */
class CheckpointingRequiredITCase {

    /** Far below the number of messages, so a source whose acks are never released would stall. */
    private static final int WINDOW = 10;
    private static final int MESSAGES = 100;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(2);

    @TempDir static Path folder;
    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(TestBroker.Kind.HIVEMQ, folder);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void jobWithoutCheckpointingFailsAtOnceNamingAckModeAndTheIntervalToSet() throws Exception {
        String run = SourceTestSupport.newRun("nocp");
        Configuration conf = new Configuration();
        // Restarts without end: the job can reach FAILED only through a failure marked non-recoverable.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(source(run).build(), WatermarkStrategy.noWatermarks(), "mqtt").sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("no-checkpointing-" + run);

        Throwable failure = failureOf(job, Duration.ofSeconds(60));
        assertThat(SourceTestSupport.status(job)).isEqualTo(JobStatus.FAILED);
        Optional<CheckpointingRequiredException> cause = ExceptionUtils.findThrowable(failure, CheckpointingRequiredException.class);
        assertThat(cause).as("the cause in:%n%s", ExceptionUtils.stringifyException(failure)).isPresent();
        assertThat(cause.get().getMessage())
                .contains("client id prefix '" + run + "'")
                .contains("'ack-mode' = 'checkpoint' but the job runs without checkpointing")
                .contains("after " + WINDOW + " messages per subscriber")
                .contains("Set 'execution.checkpointing.interval'")
                .contains("'ack-mode' = 'receipt'");
    }

    @Test
    void jobWithCheckpointingReceivesMoreThanOneWindow() throws Exception {
        String run = SourceTestSupport.newRun("cp");
        JobSpec spec = new JobSpec(run, source(run).build()).checkpointEvery(200);
        JobClient job = SourceTestSupport.start(spec);
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + run)) {
            SourceTestSupport.awaitSubscribed(publisher, run, run, 1);
            publisher.publishNumbered(run + "/data", 0, MESSAGES - 1, Long::toString);
            SourceTestSupport.await(MESSAGES + " messages, " + WINDOW + " per window", Duration.ofSeconds(90),
                    () -> SourceTestSupport.distinctData(run).size() >= MESSAGES);
            assertThat(SourceTestSupport.status(job)).isEqualTo(JobStatus.RUNNING);
        } finally {
            SourceTestSupport.cancel(job);
        }
        assertThat(SourceTestSupport.distinctData(run)).isEqualTo(SourceTestSupport.numbers(MESSAGES));
    }

    /** As with the SQL client or gateway: the environment has no interval, the session sets one. */
    @Test
    void sqlJobWithCheckpointingSetInTheSessionRuns() throws Exception {
        String run = SourceTestSupport.newRun("sql");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("execution.checkpointing.interval", "200 ms"); // what SET '...' = '...' does
        tables.executeSql("CREATE TABLE readings (payload STRING) WITH ('connector' = 'mqtt', 'server-uri' = '"
                + broker.serverUri() + "', 'topic-filter' = '" + run + "/#', 'client-id-prefix' = '" + run
                + "', 'receive-maximum' = '" + WINDOW + "', 'format' = 'raw')");
        // The session exists before the job: everything published now waits for it at the broker.
        SourceTestSupport.createSessions(broker.serverUri(), run, 1, run + "/#", WINDOW);
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + run)) {
            publisher.publishNumbered(run + "/data", 0, MESSAGES - 1, Long::toString);
        }
        TableResult result = tables.executeSql("SELECT payload FROM readings");
        Set<String> received = new HashSet<>();
        try (CloseableIterator<Row> rows = result.collect()) {
            while (received.size() < MESSAGES && rows.hasNext()) {
                received.add((String) rows.next().getField(0));
            }
        }
        assertThat(received).isEqualTo(SourceTestSupport.numbers(MESSAGES));
    }

    private static MqttSourceBuilder<String> source(String run) {
        return SourceTestSupport.lineSource(broker.serverUri(), run, Duration.ofSeconds(1))
                .setClientIdPrefix(run)
                .setQos(1)
                .setOption(MqttOptions.RECEIVE_MAXIMUM, WINDOW);
    }

    private static Throwable failureOf(JobClient job, Duration timeout) throws Exception {
        try {
            job.getJobExecutionResult().get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            JobStatus status = SourceTestSupport.status(job);
            SourceTestSupport.cancel(job);
            throw new AssertionError("Job " + job.getJobID() + " still " + status + " after " + timeout.toSeconds() + " s");
        }
        throw new AssertionError("Job " + job.getJobID() + " finished instead of failing");
    }
}
