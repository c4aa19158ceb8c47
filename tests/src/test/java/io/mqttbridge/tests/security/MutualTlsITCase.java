package io.mqttbridge.tests.security;

import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS against Mosquitto ({@code require_certificate true}): an {@code mqtt} table whose
 * {@code tls.keystore} holds a client certificate signed by the broker's CA connects and receives;
 * one signed by another CA is refused, and the source's log line says that the broker refused the
 * TLS handshake, naming the broker address and the key store option to check.
 */
class MutualTlsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String TRUST_PASSWORD = "trust-pw-4711";
    private static final String KEY_PASSWORD = "key-pw-0815";

    @TempDir static Path folder;

    private static MutualTlsBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = MutualTlsBroker.start(folder.resolve("tls"), TRUST_PASSWORD, KEY_PASSWORD, null);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** SELECT payload FROM an mqtt table on {@code topic} with {@code keyStore}; the job runs until closed. */
    private static TableResult select(String table, String topic, Path keyStore) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql("CREATE TABLE " + table + " (payload STRING) WITH ("
                + "'connector' = 'mqtt', 'server-uri' = '" + broker.serverUri() + "', 'topic-filter' = '" + topic + "', "
                + "'format' = 'raw', 'client-id-prefix' = '" + table + "', "
                + "'reconnect.initial-backoff' = '200 ms', 'reconnect.max-backoff' = '1 s', "
                + "'tls.truststore' = '" + broker.trustStore + "', 'tls.truststore-password' = '" + TRUST_PASSWORD + "', "
                + "'tls.keystore' = '" + keyStore + "', 'tls.keystore-password' = '" + KEY_PASSWORD + "')");
        return tEnv.executeSql("SELECT payload FROM " + table);
    }

    @Test
    void clientCertificateSignedByTheBrokersCaConnectsAndReceives() throws Exception {
        TableResult result = select("mtls_ok", "mtls/ok", broker.clientKeyStore);
        JobClient job = result.getJobClient().orElseThrow();
        Set<String> received = new HashSet<>();
        try (CloseableIterator<Row> rows = result.collect();
                MqttTestPublisher publisher = broker.publisher("mtls-ok-publisher", null)) {
            // Until the source has subscribed nothing is queued for it: publish a warm-up message until one arrives.
            Thread feeder = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        publisher.publish("mtls/ok", "warm-up", 1);
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException publisherClosed) {
                    // the test is over
                }
            }, "mtls-warm-up");
            feeder.start();
            assertThat(rows.next().getField(0)).isEqualTo("warm-up");
            feeder.interrupt();
            feeder.join();
            publisher.publishNumbered("mtls/ok", 1, 50, n -> "n" + n);
            while (received.size() < 50) {
                String payload = (String) rows.next().getField(0);
                if (payload.startsWith("n")) {
                    received.add(payload);
                }
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        Set<String> expected = new HashSet<>();
        for (int n = 1; n <= 50; n++) {
            expected.add("n" + n);
        }
        assertThat(received).isEqualTo(expected);
    }

    @Test
    void clientCertificateOfAnotherCaIsRefusedWithAClearMessage() throws Exception {
        LogCapture logs = new LogCapture("io.mqttbridge");
        TableResult result = select("mtls_foreign", "mtls/foreign", broker.foreignKeyStore);
        JobClient job = result.getJobClient().orElseThrow();
        String failed = "MQTT connection mtls_foreign-0 to " + broker.serverUri() + " failed";
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (logs.warnings(failed).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            logs.close();
        }
        List<String> lines = logs.warnings(failed);
        assertThat(lines).as("failed attempts logged; everything logged:%n%s", String.join("\n", logs.lines())).hasSizeGreaterThanOrEqualTo(2);
        // Any of them: a TLS 1.3 server may close the connection before the client has read its alert.
        assertThat(lines).anySatisfy(line -> assertThat(line)
                .contains("the broker at " + broker.serverUri() + " refused the TLS handshake")
                .contains("client certificate")
                .contains("'tls.keystore'")
                .contains(broker.foreignKeyStore.toString()));
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains(KEY_PASSWORD));
    }
}
