package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CONNECT the broker refuses for a reason retrying cannot fix fails the job with the broker's
 * reason and the client id, instead of reconnecting forever. The broker is a Mosquitto process with
 * a password file and no anonymous access; the source logs in with a wrong password.
 */
class MqttSourceConnectRefusedITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(1);

    @TempDir Path folder;

    /** Mosquitto with one user, 'bridge', whose password is 'right-pw', and no anonymous access. */
    private MosquittoBroker startBrokerWithPasswords() throws Exception {
        Path passwords = folder.resolve("passwords");
        Process passwd = new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), "bridge", "right-pw")
                .inheritIO()
                .start();
        assertThat(passwd.waitFor()).as("mosquitto_passwd exit code").isZero();
        // Mosquitto started as root drops to the user 'mosquitto', which must be able to read the file.
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
        return MosquittoBroker.start(FreePorts.pick(), folder, "allow_anonymous false\npassword_file " + passwords);
    }

    @ParameterizedTest(name = "MQTT {0}")
    @EnumSource(MqttOptions.ProtocolVersion.class)
    void aWrongPasswordFailsTheJobWithTheBrokersReason(MqttOptions.ProtocolVersion version) throws Exception {
        try (MosquittoBroker broker = startBrokerWithPasswords()) {
            assertJobFailsWithTheRefusal(broker, version);
        }
    }

    private static void assertJobFailsWithTheRefusal(MosquittoBroker broker, MqttOptions.ProtocolVersion version)
            throws Exception {
        String run = SourceTestSupport.newRun("refused-" + version.name().toLowerCase());
        String prefix = "cr-" + run;
        MqttSource<String> source = SourceTestSupport.lineSource(broker.serverUri(), run, Duration.ofMillis(200))
                .setClientIdPrefix(prefix)
                .setOption(MqttOptions.USERNAME, "bridge")
                .setOption(MqttOptions.PASSWORD, "wrong-pw")
                .setOption(MqttOptions.PROTOCOL_VERSION, version)
                .build();

        JobClient job = SourceTestSupport.start(new JobSpec(run, source).checkpointEvery(200));
        // Each of the 4 attempts (3 restarts) fails after 3 refusals; a source that kept retrying would time out here.
        Throwable failure = SourceTestSupport.failureOf(job, Duration.ofSeconds(60));

        assertThat(SourceTestSupport.status(job)).isEqualTo(JobStatus.FAILED);
        Optional<Throwable> refusal = ExceptionUtils.findThrowable(
                failure, t -> String.valueOf(t.getMessage()).startsWith("The broker at " + broker.serverUri() + " refused"));
        assertThat(refusal).as("a cause naming the refusal in:%n%s", ExceptionUtils.stringifyException(failure)).isPresent();
        // Mosquitto 2.0 answers a wrong password with "not authorized": 0x87 (MQTT 5), return code 5 (3.1.1).
        String reason = version == MqttOptions.ProtocolVersion.V5
                ? "NOT_AUTHORIZED (0x87)"
                : "NOT_AUTHORIZED (MQTT 3.1.1 return code 5)";
        assertThat(refusal.get().getMessage())
                .startsWith("The broker at " + broker.serverUri() + " refused the connection of client '" + prefix + "-0': "
                        + reason + ". Retrying cannot fix this: check 'username', 'password'")
                .endsWith("(refused 3 times in a row)")
                .doesNotContain("wrong-pw");
    }
}
