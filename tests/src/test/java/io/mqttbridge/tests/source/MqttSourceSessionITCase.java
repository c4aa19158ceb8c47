package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.TestBroker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.mqttbridge.tests.source.SourceTestSupport.await;
import static io.mqttbridge.tests.source.SourceTestSupport.awaitSubscribed;
import static io.mqttbridge.tests.source.SourceTestSupport.cancel;
import static io.mqttbridge.tests.source.SourceTestSupport.distinctData;
import static io.mqttbridge.tests.source.SourceTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source's session checks on a real broker, a Mosquitto process without persistence: a job
 * restored from a savepoint with unacknowledged messages finds its session gone after a broker
 * restart, which fails the job naming the client id ('session-lost' = 'fail', no restart) or is
 * logged while the job goes on ('log'); a second client with the source's client id takes the
 * session over (MQTT 5 DISCONNECT 0x8E), which the source names. That one runs on HiveMQ CE:
 * Mosquitto 2.0.11 closes the taken-over connection without the DISCONNECT, so there it looks like
 * any lost connection. Both are counted in metrics, read through an in-memory reporter that keeps
 * the metrics of finished jobs.
 */
class MqttSourceSessionITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ReportingMiniCluster.of(METRICS, 1);

    private static final String CONNECTION_LOGGER = "io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection";

    @TempDir Path folder;

    @ParameterizedTest(name = "session-lost = {0}")
    @EnumSource(MqttOptions.SessionLostAction.class)
    void aRestoreThatFindsItsSessionGoneFailsTheJobOrIsLogged(MqttOptions.SessionLostAction action) throws Exception {
        int port = FreePorts.pick();
        String run = SourceTestSupport.newRun("lost-" + action.name().toLowerCase());
        String base = "sl/" + run;
        String clientId = "sl-" + run + "-0";
        MqttSource<String> source = SourceTestSupport.lineSource("tcp://127.0.0.1:" + port, base, Duration.ofMillis(800))
                .setClientIdPrefix("sl-" + run)
                .setOption(MqttOptions.SESSION_LOST, action)
                .build();

        MosquittoBroker broker = MosquittoBroker.start(port, folder);
        try {
            // No periodic checkpoint within the test (the source refuses to run without checkpointing):
            // every message emitted is still unacknowledged at the savepoint.
            JobClient first = SourceTestSupport.start(new JobSpec(run, source).checkpointEvery(3_600_000));
            try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + run)) {
                awaitSubscribed(publisher, run, base, 1);
                publisher.publishNumbered(base + "/data", 0, 19, Long::toString);
                await("20 messages", Duration.ofSeconds(30), () -> distinctData(run).size() >= 20);
            }
            String savepoint = first
                    .stopWithSavepoint(false, folder.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);

            // Restarted without persistence, the broker has no session for the client id any more.
            broker.close();
            broker = MosquittoBroker.start(port, folder);

            String lost = "The MQTT session of client '" + clientId + "' at " + broker.serverUri() + " was lost";
            try (LogCapture logs = new LogCapture(CONNECTION_LOGGER)) {
                JobClient restored = SourceTestSupport.start(new JobSpec(run, source).checkpointEvery(3_600_000).restoreFrom(savepoint));
                if (action == MqttOptions.SessionLostAction.FAIL) {
                    // A restart (3 are allowed) would find the session the failed attempt created and run on:
                    // FAILED says the failure suppressed restarts.
                    Throwable failure = SourceTestSupport.failureOf(restored, Duration.ofSeconds(60));
                    assertThat(status(restored)).isEqualTo(JobStatus.FAILED);
                    Optional<Throwable> named = ExceptionUtils.findThrowableWithMessage(failure, lost);
                    assertThat(named).as("a cause naming the lost session in:%n%s", ExceptionUtils.stringifyException(failure))
                            .isPresent();
                    assertThat(named.get().getMessage())
                            .containsPattern("The job restored from a checkpoint at which \\d+ message\\(s\\) of this client were unacknowledged")
                            .endsWith("or set 'session-lost' = 'log'.");
                } else {
                    await("the lost session logged", Duration.ofSeconds(60), () -> !logs.errors(lost).isEmpty());
                    assertThat(logs.errors(lost).get(0)).endsWith("The source goes on ('session-lost' = 'log').");
                    try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub2-" + run)) {
                        publisher.publish(base + "/data", "after", 1);
                        await("a message after the restore", Duration.ofSeconds(30), () -> distinctData(run).contains("after"));
                    }
                    assertThat(status(restored)).isEqualTo(JobStatus.RUNNING);
                    cancel(restored);
                }
                assertThat(logs.errors(lost)).hasSize(1);
                assertThat(count(restored.getJobID(), "sessionsLost")).isEqualTo(1);
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void anotherClientWithTheSameClientIdIsAnErrorNamingIt() throws Exception {
        String run = SourceTestSupport.newRun("taken");
        String base = "to/" + run;
        String clientId = "to-" + run + "-0";
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, folder);
                LogCapture logs = new LogCapture(CONNECTION_LOGGER)) {
            MqttSource<String> source = SourceTestSupport.lineSource(broker.serverUri(), base, Duration.ofMillis(800))
                    .setClientIdPrefix("to-" + run)
                    .build();
            JobClient job = SourceTestSupport.start(new JobSpec(run, source).checkpointEvery(200));
            try {
                try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + run)) {
                    awaitSubscribed(publisher, run, base, 1);
                }
                // What a second table or job with the same client-id-prefix does.
                Mqtt5AsyncClient other = MqttClient.builder().useMqttVersion5().identifier(clientId)
                        .serverHost("127.0.0.1").serverPort(broker.port()).buildAsync();
                other.connectWith().cleanStart(false).sessionExpiryInterval(60).send().get(30, TimeUnit.SECONDS);
                String takenOver = "Another client connected with client id '" + clientId + "' to " + broker.serverUri()
                        + " and took its session over (DISCONNECT 0x8E)";
                await("the takeover logged", Duration.ofSeconds(30), () -> !logs.errors(takenOver).isEmpty());
                assertThat(logs.errors(takenOver).get(0)).contains("two tables or jobs share the client id");
                assertThat(count(job.getJobID(), "sessionsTakenOver")).isPositive();
                assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
                // The source reconnects and takes the session back, so this one may be gone already.
                other.disconnect().handle((ok, error) -> null).get(10, TimeUnit.SECONDS);
            } finally {
                cancel(job);
            }
        }
    }

    /** The sum of the source's counter {@code mqtt.<name>} over the subtasks of {@code job}. */
    private static long count(JobID job, String name) {
        return METRICS.getMetricsByIdentifiers(job).entrySet().stream()
                .filter(e -> e.getKey().endsWith(".mqtt." + name))
                .mapToLong(e -> ((Counter) e.getValue()).getCount())
                .sum();
    }
}
