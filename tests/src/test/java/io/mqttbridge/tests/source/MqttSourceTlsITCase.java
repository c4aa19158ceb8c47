package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.LogCapture;

import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceBuilder;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import static io.mqttbridge.tests.source.SourceTestSupport.awaitSubscribed;
import static io.mqttbridge.tests.source.SourceTestSupport.cancel;
import static io.mqttbridge.tests.source.SourceTestSupport.distinctData;
import static io.mqttbridge.tests.source.SourceTestSupport.numbers;
import static io.mqttbridge.tests.source.SourceTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS (ssl://, trust store, hostname check) and user name / password against a Mosquitto listener
 * with a self-signed certificate for localhost made by openssl, and a password file.
 */
class MqttSourceTlsITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(2);

    @TempDir static Path folder;

    private static MosquittoBroker broker;
    private static Path trustStore;
    private static final String TRUST_PASSWORD = "trust-pw";
    private static final String USER = "bridge";
    private static final String PASSWORD = "s3cret-pw";

    @BeforeAll
    static void startTlsBroker() throws Exception {
        Path cert = folder.resolve("cert.pem");
        Path key = folder.resolve("key.pem");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost", "-keyout", key.toString(), "-out", cert.toString());
        trustStore = folder.resolve("trust.p12");
        // The keytool of the JDK running the tests: PATH may have none, or another JDK's.
        run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore",
                trustStore.toString(), "-storetype", "PKCS12", "-storepass", TRUST_PASSWORD);
        Path passwords = folder.resolve("passwords");
        run("mosquitto_passwd", "-b", "-c", passwords.toString(), USER, PASSWORD);
        // Mosquitto started as root drops to the user 'mosquitto', which must be able to read these files.
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path file : new Path[] {cert, key, passwords}) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        broker = MosquittoBroker.start(FreePorts.pick(), folder,
                "certfile " + cert + "\nkeyfile " + key + "\ncafile " + cert + "\n"
                        + "allow_anonymous false\npassword_file " + passwords);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static MqttSourceBuilder<String> source(String host, String base, String run) {
        return SourceTestSupport.lineSource("ssl://" + host + ":" + broker.port(), base, Duration.ofMillis(500))
                .setClientIdPrefix("tls-" + run)
                .setOption(MqttOptions.USERNAME, USER)
                .setOption(MqttOptions.PASSWORD, PASSWORD)
                .setOption(MqttOptions.TLS_TRUSTSTORE, trustStore.toString())
                .setOption(MqttOptions.TLS_TRUSTSTORE_PASSWORD, TRUST_PASSWORD);
    }

    /** A TLS publisher that logs in. */
    private static MqttTestPublisher publisher(String run) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, TRUST_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return MqttTestPublisher.connect(MqttClient.builder().useMqttVersion5().identifier("pub-" + run)
                .serverHost("localhost").serverPort(broker.port())
                .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(tmf).build())
                .simpleAuth().username(USER).password(PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth());
    }

    @Test
    void receivesOverTlsWithTrustStoreAndPassword() throws Exception {
        receives(source("localhost", "tls/tls-a", "tls-a"), "tls-a", "tls/tls-a");
    }

    @Test
    void hostnameCheckCanBeSwitchedOff() throws Exception {
        receives(source("127.0.0.1", "tls/tls-b", "tls-b").setOption(MqttOptions.TLS_VERIFY_HOSTNAME, false),
                "tls-b", "tls/tls-b");
    }

    private void receives(MqttSourceBuilder<String> source, String run, String base) throws Exception {
        JobClient job = SourceTestSupport.start(new JobSpec(run, source.build()).checkpointEvery(200));
        try (MqttTestPublisher publisher = publisher(run)) {
            awaitSubscribed(publisher, run, base, 1);
            publisher.publishNumbered(base + "/data", 0, 99, Long::toString);
            SourceTestSupport.await("100 messages over TLS", Duration.ofSeconds(60), () -> distinctData(run).size() >= 100);
        } finally {
            cancel(job);
        }
        assertThat(distinctData(run)).isEqualTo(numbers(100));
    }

    @Test
    void wrongPasswordIsRetriedAndLoggedWithoutThePassword() throws Exception {
        String run = SourceTestSupport.newRun("badpw");
        String wrong = "wrong-pw-" + run;
        LogCapture logs = new LogCapture("io.mqttbridge");
        JobClient job = SourceTestSupport.start(
                new JobSpec(run, source("localhost", "tls/" + run, run).setOption(MqttOptions.PASSWORD, wrong).build())
                        .checkpointEvery(200));
        try {
            SourceTestSupport.await("3 failed attempts logged", Duration.ofSeconds(60),
                    () -> logs.warnings("MQTT connection tls-" + run + "-0 to ssl://localhost:" + broker.port() + " failed").size() >= 3);
            assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
        } finally {
            cancel(job);
            logs.close();
        }
        assertThat(logs.warnings("")).noneSatisfy(line -> assertThat(line).contains(wrong));
        assertThat(logs.warnings("failed")).anySatisfy(line -> assertThat(line).containsIgnoringCase("NOT_AUTHORIZED"));
    }

    @Test
    void hostnameNotInTheCertificateIsRefused() throws Exception {
        // 127.0.0.1 reaches the same listener, but the certificate names localhost only.
        String run = SourceTestSupport.newRun("host");
        LogCapture logs = new LogCapture("io.mqttbridge");
        JobClient job = SourceTestSupport.start(new JobSpec(run, source("127.0.0.1", "tls/" + run, run).build()).checkpointEvery(200));
        try {
            SourceTestSupport.await("2 failed handshakes logged", Duration.ofSeconds(60),
                    () -> logs.warnings("MQTT connection tls-" + run + "-0 to ssl://127.0.0.1:" + broker.port() + " failed").size() >= 2);
            assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
        } finally {
            cancel(job);
            logs.close();
        }
        // Refused for the certificate, not for anything else (port, login).
        assertThat(logs.warnings("failed")).anySatisfy(line -> assertThat(line).containsIgnoringCase("SSLHandshake"));
    }
}
