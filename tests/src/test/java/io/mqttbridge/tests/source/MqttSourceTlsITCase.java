package io.mqttbridge.tests.source;

import io.mqttbridge.local.MosquittoBroker;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.mqtt.source.MqttSourceBuilder;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

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
        run("keytool", "-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore",
                trustStore.toString(), "-storetype", "PKCS12", "-storepass", TRUST_PASSWORD);
        Path passwords = folder.resolve("passwords");
        run("mosquitto_passwd", "-b", "-c", passwords.toString(), USER, PASSWORD);
        // Mosquitto started as root drops to the user 'mosquitto', which must be able to read these files.
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path file : new Path[] {cert, key, passwords}) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        broker = MosquittoBroker.start(MosquittoBroker.freePort(), folder,
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
        return MqttSource.<String>builder()
                .setServerUri("ssl://" + host + ":" + broker.port())
                .setTopicFilters(base + "/#")
                .setClientIdPrefix("tls-" + run)
                .setOption(MqttOptions.USERNAME, USER)
                .setOption(MqttOptions.PASSWORD, PASSWORD)
                .setOption(MqttOptions.TLS_TRUSTSTORE, trustStore.toString())
                .setOption(MqttOptions.TLS_TRUSTSTORE_PASSWORD, TRUST_PASSWORD)
                .setOption(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(100))
                .setOption(MqttOptions.RECONNECT_BACKOFF_MAX, Duration.ofMillis(500))
                .setDeserializer(new SourceTestSupport.LineDeserializer());
    }

    /** A TLS publisher that logs in. */
    private static Mqtt5BlockingClient publisher(String run) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, TRUST_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("pub-" + run)
                .serverHost("localhost").serverPort(broker.port())
                .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(tmf).build())
                .simpleAuth().username(USER).password(PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
        client.connect();
        return client;
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
        JobSpec spec = new JobSpec();
        spec.run = run;
        spec.checkpointIntervalMs = 200;
        spec.source = source.build();
        JobClient job = SourceTestSupport.start(spec);
        Mqtt5BlockingClient publisher = publisher(run);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (SourceTestSupport.received(run).isEmpty()) {
                publisher.publishWith().topic(base + "/warm").qos(MqttQos.AT_LEAST_ONCE).send();
                Thread.sleep(100);
                assertThat(System.nanoTime()).as("subscribed within 60 s").isLessThan(deadline);
            }
            for (int i = 0; i < 100; i++) {
                publisher.publishWith().topic(base + "/data").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
            }
            SourceTestSupport.await("100 messages over TLS", Duration.ofSeconds(60), () -> distinctData(run).size() >= 100);
        } finally {
            publisher.disconnect();
            cancel(job);
        }
        assertThat(distinctData(run)).isEqualTo(numbers(100));
    }

    @Test
    void wrongPasswordIsRetriedAndLoggedWithoutThePassword() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("io.mqttbridge");
        logs.start();
        logger.addAppender(logs);
        String run = "badpw-" + UUID.randomUUID().toString().substring(0, 8);
        String wrong = "wrong-pw-" + run;
        JobSpec spec = new JobSpec();
        spec.run = run;
        spec.source = source("localhost", "tls/" + run, run).setOption(MqttOptions.PASSWORD, wrong).build();
        JobClient job = SourceTestSupport.start(spec);
        try {
            SourceTestSupport.await("3 failed attempts logged", Duration.ofSeconds(60),
                    () -> failures(logs, "MQTT connection tls-" + run + "-0 to ssl://localhost:" + broker.port() + " failed").size() >= 3);
            assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
        } finally {
            cancel(job);
            logger.detachAppender(logs);
        }
        assertThat(failures(logs, "")).noneSatisfy(line -> assertThat(line).contains(wrong));
        assertThat(failures(logs, "failed")).anySatisfy(line -> assertThat(line).containsIgnoringCase("NOT_AUTHORIZED"));
    }

    @Test
    void hostnameNotInTheCertificateIsRefused() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("io.mqttbridge");
        logs.start();
        logger.addAppender(logs);
        // 127.0.0.1 reaches the same listener, but the certificate names localhost only.
        String run = "host-" + UUID.randomUUID().toString().substring(0, 8);
        JobSpec spec = new JobSpec();
        spec.run = run;
        spec.source = source("127.0.0.1", "tls/" + run, run).build();
        JobClient job = SourceTestSupport.start(spec);
        try {
            SourceTestSupport.await("2 failed handshakes logged", Duration.ofSeconds(60),
                    () -> failures(logs, "MQTT connection tls-" + run + "-0 to ssl://127.0.0.1:" + broker.port() + " failed").size() >= 2);
            assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
        } finally {
            cancel(job);
            logger.detachAppender(logs);
        }
    }

    private static List<String> failures(ListAppender<ILoggingEvent> logs, String containing) {
        List<String> result = new ArrayList<>();
        for (ILoggingEvent event : new ArrayList<>(logs.list)) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getFormattedMessage().contains(containing)) {
                result.add(event.getFormattedMessage());
            }
        }
        return result;
    }
}
