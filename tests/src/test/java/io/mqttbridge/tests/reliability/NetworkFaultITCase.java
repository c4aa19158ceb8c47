package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.embedded.TcpFaultProxy;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Network faults between the source and the broker (HiveMQ CE and ActiveMQ Artemis, each test once
 * per broker), injected by a {@link TcpFaultProxy} that the route's 'server-uri' points at; the
 * publishers reach the broker directly. Route MQTT -> Kafka, 2 subscribers in a
 * shared group, checkpoints every 200 ms, no restart strategy: a network fault must never fail the job.
 *
 * <ul>
 *   <li>Connection cut between emit and ack: the numbers are published faster than the source may
 *       take them, so the broker holds a backlog bigger than the windows; at random moments, while the broker's backlog exceeds both
 *       windows (so each connection carries a full window of emitted, unacknowledged messages), the proxy closes every connection. The
 *       source reconnects, resumes its sessions, the broker redelivers what was unacknowledged.
 *       Expected: lost 0.
 *   <li>Silent black-hole: at random moments under load the proxy stops forwarding, sockets kept
 *       open (a half-open connection: no reset, no error). With 'keep-alive' = '2 s' the source must
 *       detect it (its "lost" line for the connection), after which the proxy forwards again and the
 *       source reconnects through it. Expected: lost 0; recovery = injection until numbers published
 *       after it reach Kafka, keep-alive detection included.
 * </ul>
 *
 * <p>Artemis loses nothing either but returns more duplicates (its redelivery after a resumed
 * session, docs/brokers.md "ActiveMQ Artemis").
 */
class NetworkFaultITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final String CONNECTION_LOGGER = "io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection";

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestBroker.Kind.class, names = {"HIVEMQ", "ARTEMIS"})
    void connectionCutWhileAcksArePendingLosesNothing(TestBroker.Kind broker, @TempDir Path tmp) throws Exception {
        try (FaultLoad load = FaultLoad.start("connection cut between emit and ack", broker, tmp);
                TcpFaultProxy proxy = TcpFaultProxy.start(load.broker.port());
                RouteJob job = RouteJob.submit(load.routes(tmp, "'subscribers' = '2', 'receive-maximum' = '20', 'reconnect.max-backoff' = '1 s', "),
                        load.env(proxy.serverUri()), new Configuration())) {
            load.awaitSubscribed(job::assertRunning);
            // Faster than the job drains (2 windows of 20 per 200 ms checkpoint at most), for about 8 s: the backlog grows under the cuts.
            // The long form publishes just above that drain (measured ~170/s on a loaded machine): each cut must wait for the
            // backlog ahead of it, so a faster load multiplies the backlog per cut and ends before the tenth.
            int rate = FailureRun.LONG_FORM ? 230 : (int) Math.max(100, load.count / 8);
            try (NumberedSequence sequence = load.startSequence(rate)) {
                for (int i = 0; i < FailureRun.injections(); i++) {
                    Thread.sleep(load.randomPause(Duration.ofMillis(300), Duration.ofMillis(1500)).toMillis());
                    // A backlog beyond both windows (receive-maximum 20 each): the broker has filled each connection's window with
                    // messages the source emitted and acknowledges only at the next checkpoint.
                    FaultLoad.await("a backlog of more than 100 messages", Duration.ofSeconds(60),
                            () -> sequence.sent() - load.read().distinct().size() > 100 || sequence.done());
                    assertThat(sequence.done()).as("the load ended before injection %s", i + 1).isFalse();
                    long sentBefore = sequence.sent();
                    long backlog = sentBefore - load.read().distinct().size();
                    long accepted = proxy.accepted();
                    long at = System.nanoTime();
                    assertThat(proxy.cutAll()).as("connections cut").isPositive();
                    System.out.println("RELIABILITY cut " + (i + 1) + " with a backlog of about " + backlog + " messages");
                    FaultLoad.await("the source reconnected through the proxy", Duration.ofSeconds(60),
                            () -> proxy.accepted() > accepted);
                    load.awaitRecovery(sentBefore, at, job::assertRunning);
                }
                load.assertNothingLost(sequence, job::assertRunning);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestBroker.Kind.class, names = {"HIVEMQ", "ARTEMIS"})
    void silentBlackHoleIsDetectedByKeepAliveAndLosesNothing(TestBroker.Kind broker, @TempDir Path tmp) throws Exception {
        try (FaultLoad load = FaultLoad.start("silent black-hole (keep-alive 2 s)", broker, tmp);
                TcpFaultProxy proxy = TcpFaultProxy.start(load.broker.port());
                LogCapture logs = new LogCapture(CONNECTION_LOGGER);
                RouteJob job = RouteJob.submit(
                        load.routes(tmp, "'subscribers' = '2', 'keep-alive' = '2 s', 'connect-timeout' = '2 s', "
                                + "'reconnect.max-backoff' = '1 s', "),
                        load.env(proxy.serverUri()), new Configuration())) {
            load.awaitSubscribed(job::assertRunning);
            // Load that lasts through the injections: each takes the keep-alive detection and a reconnect.
            try (NumberedSequence sequence = load.startSequenceOver(20)) {
                for (int i = 0; i < FailureRun.injections(); i++) {
                    Thread.sleep(load.randomPause(Duration.ofMillis(300), Duration.ofMillis(1500)).toMillis());
                    int lostBefore = logs.warnings("to " + proxy.serverUri() + " lost").size();
                    long sentBefore = sequence.sent();
                    long at = System.nanoTime();
                    proxy.blackHole();
                    // No reset, no error: only the keep-alive can tell that these connections are dead.
                    FaultLoad.await("both connections detected as lost by the keep-alive", Duration.ofSeconds(60),
                            () -> logs.warnings("to " + proxy.serverUri() + " lost").size() >= lostBefore + 2);
                    proxy.forward();
                    load.awaitRecovery(sentBefore, at, job::assertRunning);
                }
                load.assertNothingLost(sequence, job::assertRunning);
            }
        }
    }

}
