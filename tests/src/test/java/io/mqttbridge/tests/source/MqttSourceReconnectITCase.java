package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.LogCapture;

import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.source.SourceTestSupport.Received;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.mqttbridge.tests.source.SourceTestSupport.awaitSubscribed;
import static io.mqttbridge.tests.source.SourceTestSupport.cancel;
import static io.mqttbridge.tests.source.SourceTestSupport.distinctData;
import static io.mqttbridge.tests.source.SourceTestSupport.numbers;
import static io.mqttbridge.tests.source.SourceTestSupport.received;
import static io.mqttbridge.tests.source.SourceTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

/** A broker that is not there at start, appears later, and (Mosquitto) restarts under a running job. */
class MqttSourceReconnectITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(2);

    @TempDir Path folder;

    private LogCapture logs;

    @BeforeEach
    void captureConnectionLogs() {
        logs = new LogCapture("io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection");
    }

    @AfterEach
    void stopCapturing() {
        logs.close();
    }

    /** A source whose reconnect backoff starts at 100 ms and stops growing at 800 ms. */
    private static MqttSource<String> source(String serverUri, String base, String run) {
        return SourceTestSupport.lineSource(serverUri, base, Duration.ofMillis(800)).setClientIdPrefix("rc-" + run).build();
    }

    @ParameterizedTest
    @EnumSource(TestBroker.Kind.class)
    void unreachableBrokerAtStartIsRetriedWithBackoffUntilItAppears(TestBroker.Kind kind) throws Exception {
        int port = FreePorts.pick();
        String address = "tcp://127.0.0.1:" + port;
        String run = SourceTestSupport.newRun(kind.name().toLowerCase());
        String base = "rc/" + run;

        JobClient job = SourceTestSupport.start(new JobSpec(run, source(address, base, run)).checkpointEvery(200));
        try {
            String expected = "MQTT connection rc-" + run + "-0 to " + address + " failed";
            SourceTestSupport.await("5 logged connection retries", Duration.ofSeconds(60),
                    () -> logs.warnings(expected).size() >= 5);
            assertThat(logs.warnings(expected)).allSatisfy(w -> assertThat(w).containsPattern("; reconnecting in \\d+ ms$"));
            assertThat(logs.warnings(expected)).anySatisfy(w -> assertThat(w).endsWith("reconnecting in 800 ms"));
            assertThat(status(job)).isEqualTo(JobStatus.RUNNING);

            try (TestBroker broker = TestBroker.start(kind, port, folder)) {
                try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + run)) {
                    awaitSubscribed(publisher, run, base, 1);
                    publisher.publishNumbered(base + "/data", 0, 99, Long::toString);
                    SourceTestSupport.await("100 messages", Duration.ofSeconds(60), () -> distinctData(run).size() >= 100);
                }
                assertThat(distinctData(run)).isEqualTo(numbers(100));
                assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
            }
        } finally {
            cancel(job);
        }
    }

    @Test
    void reconnectsAfterTheBrokerRestarts() throws Exception {
        int port = FreePorts.pick();
        String run = SourceTestSupport.newRun("restart");
        String base = "rc/" + run;

        MosquittoBroker broker = MosquittoBroker.start(port, folder);
        JobClient job = SourceTestSupport.start(new JobSpec(run, source("tcp://127.0.0.1:" + port, base, run)).checkpointEvery(200));
        try {
            try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + run)) {
                awaitSubscribed(publisher, run, base, 1);
                publisher.publishNumbered(base + "/data", 0, 49, Long::toString);
                SourceTestSupport.await("first 50", Duration.ofSeconds(60), () -> distinctData(run).size() >= 50);
            }
            broker.close();
            SourceTestSupport.await("the loss logged", Duration.ofSeconds(60),
                    () -> !logs.warnings("MQTT connection rc-" + run + "-0 to tcp://127.0.0.1:" + port + " lost").isEmpty());

            // Persistence is off: the restarted broker has no session; the source subscribes again.
            broker = MosquittoBroker.start(port, folder);
            try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub2-" + run)) {
                long warmUpsBefore = received(run).stream().filter(Received::isWarmUp).count();
                SourceTestSupport.await("a warm-up after the restart", Duration.ofSeconds(60), () -> {
                    try {
                        publisher.publish(base + "/warm", "again", 1);
                        Thread.sleep(100);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return received(run).stream().filter(Received::isWarmUp).count() > warmUpsBefore;
                });
                for (int i = 50; i < 100; i++) {
                    publisher.publish(base + "/data", Integer.toString(i), 1);
                }
                SourceTestSupport.await("all 100", Duration.ofSeconds(60), () -> distinctData(run).size() >= 100);
            }
            assertThat(distinctData(run)).isEqualTo(numbers(100));
            assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
        } finally {
            cancel(job);
            broker.close();
        }
    }
}
