package io.mqttbridge.tests.source;

import io.mqttbridge.connector.testing.FailOnce;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mqttbridge.tests.source.SourceTestSupport.await;
import static io.mqttbridge.tests.source.SourceTestSupport.awaitSubscribed;
import static io.mqttbridge.tests.source.SourceTestSupport.cancel;
import static io.mqttbridge.tests.source.SourceTestSupport.distinctData;
import static io.mqttbridge.tests.source.SourceTestSupport.numbers;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job restored from a savepoint keeps the client ids saved with its splits, also when another
 * client-id-prefix is configured now (as after the default prefix changed), and keeps them through
 * a failover. On Mosquitto, which queues an offline shared member's round-robin share in its
 * session: the messages published while the job is down reach the restored job only if it resumes
 * the saved sessions, and the source's connection lines name the client ids it uses.
 */
class MqttSourceClientIdRestoreITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(2);

    private static final String CONNECTION_LOGGER = "io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection";

    /** "MQTT connection <client id> to <uri> established, ..., session resumed|new" (not "re-established": a new reader). */
    private static final Pattern ESTABLISHED = Pattern.compile("MQTT connection (\\S+) to \\S+ established, .*, session (\\w+)$");

    @TempDir Path folder;

    @Test
    void aRestoreWithAnotherPrefixAndAFailoverKeepTheSavedClientIds() throws Exception {
        String run = SourceTestSupport.newRun("cid");
        String base = "cid/" + run;
        String oldPrefix = "old-" + run;
        String newPrefix = "new-" + run;
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.MOSQUITTO, folder);
                MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + run)) {
            // Both jobs have the same operators (the first one's failing map never fails), so the savepoint maps onto the second.
            JobClient first = SourceTestSupport.start(new JobSpec(run, source(broker, run, base, oldPrefix))
                    .parallelism(2).checkpointEvery(200).failAfter(Integer.MAX_VALUE));
            awaitSubscribed(publisher, run, base, 2);
            publisher.publishNumbered(base + "/data", 0, 19, Long::toString);
            await("0..19 before the savepoint", Duration.ofSeconds(30), () -> distinctData(run).size() >= 20);
            String savepoint = first
                    .stopWithSavepoint(false, folder.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);

            // The job is down: Mosquitto queues these in the sessions of the shared members old-...-0 and old-...-1.
            publisher.publishNumbered(base + "/data", 20, 59, Long::toString);

            try (LogCapture logs = new LogCapture(CONNECTION_LOGGER)) {
                JobClient restored = SourceTestSupport.start(new JobSpec(run, source(broker, run, base, newPrefix))
                        .parallelism(2).checkpointEvery(200).failAfter(0).restoreFrom(savepoint));
                try {
                    await("0..59: the messages queued in the saved sessions", Duration.ofSeconds(60),
                            () -> distinctData(run).containsAll(numbers(60)));
                    await("both subscribers connected", Duration.ofSeconds(30), () -> established(logs).size() >= 2);
                    assertThat(established(logs).subList(0, 2)).extracting(c -> c[0])
                            .containsExactlyInAnyOrder(oldPrefix + "-0", oldPrefix + "-1");

                    // A record after a completed checkpoint fails its subtask; the failover restores the readers.
                    // Under load the restored job's first checkpoint can complete after 60..99 arrived: every
                    // record would pass and the failure never come. So both subtasks are armed first.
                    await("a completed checkpoint in both subtasks of the restored job", Duration.ofSeconds(60),
                            () -> FailOnce.armed(run) >= 2);
                    publisher.publishNumbered(base + "/data", 60, 99, Long::toString);
                    await("the injected failure", Duration.ofSeconds(60), () -> FailOnce.failed(run));
                    await("a subscriber connected again after the failover", Duration.ofSeconds(60), () -> established(logs).size() > 2);
                    publisher.publishNumbered(base + "/data", 100, 139, Long::toString);
                    await("0..139", Duration.ofSeconds(60), () -> distinctData(run).containsAll(numbers(140)));

                    List<String[]> connections = established(logs);
                    assertThat(connections).as("connections of the restored job: %s", logs.lines())
                            .allSatisfy(c -> assertThat(c[0]).isIn(oldPrefix + "-0", oldPrefix + "-1"))
                            .allSatisfy(c -> assertThat(c[1]).isEqualTo("resumed"));
                    assertThat(String.join("\n", logs.lines())).doesNotContain(newPrefix);
                } finally {
                    cancel(restored);
                }
            }
        }
    }

    private static MqttSource<String> source(TestBroker broker, String run, String base, String prefix) {
        return SourceTestSupport.lineSource(broker.serverUri(), base, Duration.ofMillis(800))
                .setSharedGroup("g-" + run)
                .setClientIdPrefix(prefix)
                .build();
    }

    /** Client id and "resumed" or "new" of every connection a new reader established, in order. */
    private static List<String[]> established(LogCapture logs) {
        List<String[]> result = new ArrayList<>();
        for (String line : logs.lines()) {
            Matcher m = ESTABLISHED.matcher(line);
            if (m.find()) {
                result.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return result;
    }
}
