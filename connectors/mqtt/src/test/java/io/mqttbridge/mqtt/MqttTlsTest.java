package io.mqttbridge.mqtt;

import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;

import java.net.ConnectException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a failed TLS handshake is explained as, for the source's "connection ... failed" log line. */
class MqttTlsTest {

    @TempDir Path tempDir;

    private static MqttConnectionConfig config(String keyStore, String trustStore) {
        Configuration options = new Configuration();
        options.set(MqttOptions.SERVER_URI, "ssl://broker.example:8883");
        if (keyStore != null) {
            options.set(MqttOptions.TLS_KEYSTORE, keyStore);
            options.set(MqttOptions.TLS_KEYSTORE_PASSWORD, "key-pw");
        }
        if (trustStore != null) {
            options.set(MqttOptions.TLS_TRUSTSTORE, trustStore);
            options.set(MqttOptions.TLS_TRUSTSTORE_PASSWORD, "trust-pw");
        }
        return MqttConnectionConfig.fromConfiguration(options);
    }

    /** As the client reports it: the handshake failure two levels down. */
    private static Throwable failure(String sslMessage) {
        return new ConnectionClosedException(new RuntimeException("io.netty.handler.codec.DecoderException",
                new SSLHandshakeException(sslMessage)));
    }

    @Test
    void aClientCertificateTheBrokerRefusesNamesTheKeyStore() throws Exception {
        String keyStore = TestKeyStores.emptyStore(tempDir.resolve("client.p12"), "key-pw");
        assertThat(MqttTls.explainHandshakeFailure(config(keyStore, null), failure("Received fatal alert: unknown_ca")))
                .isEqualTo("; the broker at ssl://broker.example:8883 refused the TLS handshake (alert unknown_ca): it did not "
                        + "accept the client certificate of option 'tls.keystore' (" + keyStore + "): check that a CA the "
                        + "broker trusts (Mosquitto: cafile) signed it and that it has not expired")
                .doesNotContain("key-pw");
    }

    @Test
    void aRefusalWithoutKeyStoreSuggestsOne() {
        assertThat(MqttTls.explainHandshakeFailure(config(null, null), failure("Received fatal alert: certificate_required")))
                .isEqualTo("; the broker at ssl://broker.example:8883 refused the TLS handshake (alert certificate_required): "
                        + "if it requires a client certificate, set option 'tls.keystore' to a key store with a certificate "
                        + "signed by a CA the broker trusts");
    }

    @Test
    void aReceivedAlertIsRecognisedInTheFormOfNewerJdksToo() {
        // JDK 17.0.21 and later: "(alert) " before the text older updates print alone.
        assertThat(MqttTls.explainHandshakeFailure(config(null, null),
                        failure("(certificate_required) Received fatal alert: certificate_required")))
                .startsWith("; the broker at ssl://broker.example:8883 refused the TLS handshake (alert certificate_required): ");
    }

    @Test
    void aBrokerCertificateThisClientRefusesNamesTheTrustStore() throws Exception {
        String trustStore = TestKeyStores.emptyStore(tempDir.resolve("trust.p12"), "trust-pw");
        assertThat(MqttTls.explainHandshakeFailure(config(null, trustStore),
                        failure("PKIX path building failed: unable to find valid certification path to requested target")))
                .startsWith("; the TLS handshake with the broker at ssl://broker.example:8883 failed because this client did "
                        + "not accept the broker's certificate: check that option 'tls.truststore' (" + trustStore + ")")
                .contains("'tls.verify-hostname' = 'false'")
                .doesNotContain("trust-pw");
    }

    @Test
    void otherFailuresGetNoExplanation() {
        assertThat(MqttTls.explainHandshakeFailure(config(null, null), new ConnectException("Connection refused"))).isEmpty();
    }
}
