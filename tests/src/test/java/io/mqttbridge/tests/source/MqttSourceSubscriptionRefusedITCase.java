package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.LogCapture;

import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.FreePorts;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription the broker refuses in its SUBACK fails the job at once, with a message naming the
 * filter (with its shared group) and the broker's reason: retrying cannot fix an ACL or a bad
 * filter. The broker is a Mosquitto process with its dynamic security plugin, whose role for
 * anonymous clients denies subscribing to {@code $share/+/denied/#}; it answers such a SUBSCRIBE
 * with 0x87 Not authorized (MQTT 5) or 0x80 Failure (MQTT 3.1.1). Mosquitto 2.0's {@code acl_file}
 * cannot be used for this: it grants every subscription and only filters what is delivered.
 */
class MqttSourceSubscriptionRefusedITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(1);

    private static final String GROUP = "refused-group";

    @TempDir static Path folder;

    private static MosquittoBroker broker;

    @BeforeAll
    static void startBrokerThatDeniesSharedSubscriptionsToDenied() throws Exception {
        Path dynsec = folder.resolve("dynamic-security.json");
        Files.writeString(dynsec, """
                {
                  "defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true,
                                       "subscribe": true, "unsubscribe": true},
                  "clients": [],
                  "groups": [{"groupname": "anonymous", "roles": [{"rolename": "no-denied"}]}],
                  "roles": [{"rolename": "no-denied", "acls": [
                    {"acltype": "subscribePattern", "topic": "$share/+/denied/#", "priority": 0, "allow": false}]}],
                  "anonymousGroup": "anonymous"
                }
                """);
        // Mosquitto started as root drops to the user 'mosquitto', which must be able to read the file.
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dynsec, PosixFilePermissions.fromString("rw-r--r--"));
        broker = MosquittoBroker.start(FreePorts.pick(), folder,
                "plugin " + dynamicSecurityPlugin() + "\nplugin_opt_config_file " + dynsec);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @EnumSource(MqttOptions.ProtocolVersion.class)
    void refusedSubscriptionFailsTheJobNamingFilterGroupAndReason(MqttOptions.ProtocolVersion version) throws Exception {
        String run = SourceTestSupport.newRun("refused-" + version.name().toLowerCase());
        String denied = "denied/" + run + "/#";
        assertJobFailsNaming(run, version, denied, denied);
    }

    @ParameterizedTest(name = "MQTT {0}")
    @EnumSource(MqttOptions.ProtocolVersion.class)
    void theRefusedFilterIsNamedWhenTheBrokerGrantsTheOthers(MqttOptions.ProtocolVersion version) throws Exception {
        String run = SourceTestSupport.newRun("mixed-" + version.name().toLowerCase());
        String allowed = "allowed/" + run + "/#";
        String denied = "denied/" + run + "/#";
        // The granted filter comes first: the message must name the refused one, not the first.
        String message = assertJobFailsNaming(run, version, denied, allowed, denied);
        assertThat(message).doesNotContain(allowed);
    }

    /**
     * Runs a source of {@code filters} in the shared group and asserts that the job fails, and
     * that a cause names the broker, the client id, the refused {@code $share/<group>/<denied>}
     * and the reason; returns that cause's message.
     */
    private static String assertJobFailsNaming(
            String run, MqttOptions.ProtocolVersion version, String denied, String... filters) throws Exception {
        String prefix = "rf-" + run;
        MqttSource<String> source =
                SourceTestSupport.lineSource(broker.serverUri(), run, Duration.ofMillis(200))
                        .setTopicFilters(filters)
                        .setSharedGroup(GROUP)
                        .setSubscribers(1)
                        .setClientIdPrefix(prefix)
                        .setQos(1)
                        .setOption(MqttOptions.PROTOCOL_VERSION, version)
                        .build();
        try (LogCapture logs = new LogCapture("io.mqttbridge.mqtt.source.reader.MqttSubscriberConnection")) {
            JobClient job = SourceTestSupport.start(new JobSpec(run, source).checkpointEvery(200));
            // The restart strategy allows 3 restarts: the job fails only if every attempt fails. A
            // connection that retried the refused subscription would keep it running, and this time out.
            Throwable failure = SourceTestSupport.failureOf(job, Duration.ofSeconds(120));
            assertThat(SourceTestSupport.status(job)).isEqualTo(JobStatus.FAILED);

            Optional<Throwable> refusal =
                    ExceptionUtils.findThrowable(failure, t -> String.valueOf(t.getMessage()).contains("refused the subscription"));
            assertThat(refusal)
                    .as("a cause naming the refused subscription in:%n%s", ExceptionUtils.stringifyException(failure))
                    .isPresent();
            String reason = version == MqttOptions.ProtocolVersion.V5
                    ? ": NOT_AUTHORIZED" // reason code 0x87
                    : " (MQTT 3.1.1 return code FAILURE)"; // 0x80, the only failure code of 3.1.1
            String message = refusal.get().getMessage();
            assertThat(message)
                    .contains("The broker at " + broker.serverUri() + " refused the subscription of client '" + prefix + "-0'")
                    .contains(" to '$share/" + GROUP + "/" + denied + "'" + reason + ".")
                    .endsWith("Check 'topic-filter', 'shared-group', 'qos' and the broker's ACL.");
            // Fatal at once: the connection never logged a failed attempt or a reconnect.
            assertThat(logs.warnings(prefix)).isEmpty();
            return message;
        }
    }

    /** The plugin of the 'mosquitto' package, under the machine's multiarch folder. */
    private static Path dynamicSecurityPlugin() throws Exception {
        try (Stream<Path> libs = Files.list(Path.of("/usr/lib"))) {
            return Stream.concat(Stream.of(Path.of("/usr/lib")), libs)
                    .map(dir -> dir.resolve("mosquitto_dynamic_security.so"))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "Mosquitto's dynamic security plugin (mosquitto_dynamic_security.so, package 'mosquitto' 2.0)"
                                    + " is not under /usr/lib"));
        }
    }
}
