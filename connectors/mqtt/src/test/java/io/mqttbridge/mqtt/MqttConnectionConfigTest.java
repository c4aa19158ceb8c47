package io.mqttbridge.mqtt;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every check of the connection options, with the exact error a user sees. */
class MqttConnectionConfigTest {

    @TempDir Path tempDir;

    private static Configuration options(String serverUri) {
        Configuration config = new Configuration();
        config.set(MqttOptions.SERVER_URI, serverUri);
        return config;
    }

    private static MqttConnectionConfig build(Configuration config) {
        return MqttConnectionConfig.fromConfiguration(config);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        MqttConnectionConfig config = build(options("tcp://broker.example"));
        assertThat(config.host()).isEqualTo("broker.example");
        assertThat(config.port()).isEqualTo(1883);
        assertThat(config.tls()).isFalse();
        assertThat(config.protocolVersion()).isEqualTo(MqttOptions.ProtocolVersion.V5);
        assertThat(config.sessionExpirySeconds()).isEqualTo(3600);
        assertThat(config.receiveMaximum()).isEqualTo(65_535);
        assertThat(config.keepAliveSeconds()).isEqualTo(60);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.verifyHostname()).isTrue();
        assertThat(config.username()).isNull();
        assertThat(config.password()).isNull();
    }

    @Test
    void sslAndMqttsMeanTlsWithPort8883() {
        assertThat(build(options("ssl://h")).port()).isEqualTo(8883);
        assertThat(build(options("mqtts://h")).tls()).isTrue();
        assertThat(build(options("MQTT://h:1999")).port()).isEqualTo(1999);
        assertThat(build(options("mqtt://h")).tls()).isFalse();
    }

    @Test
    void missingServerUriIsNamed() {
        assertThatThrownBy(() -> build(new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing required option 'server-uri': expected tcp://host:port or ssl://host:port");
        assertThatThrownBy(() -> build(options("  ")))
                .hasMessage("Missing required option 'server-uri': expected tcp://host:port or ssl://host:port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://h:1", "ws://h:8000", "h:1883", "tcp://", "tcp://a b"})
    void serverUriWithABadSchemeOrNoHostIsNamed(String uri) {
        assertThatThrownBy(() -> build(options(uri)))
                .hasMessage("Invalid value '" + uri + "' for option 'server-uri': expected tcp://host:port or ssl://host:port");
    }

    @Test
    void serverUriCredentialsAreNotShownInTheError() {
        assertThatThrownBy(() -> build(options("http://user:secret@h:1")))
                .hasMessage("Invalid value 'http://h:1' for option 'server-uri': expected tcp://host:port or ssl://host:port");
    }

    @Test
    void passwordWithoutUsernameIsRefusedOnlyForMqtt311() {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.PASSWORD, "secret-pw");
        assertThat(build(config).password()).isEqualTo("secret-pw"); // MQTT 5 allows it

        config.set(MqttOptions.PROTOCOL_VERSION, MqttOptions.ProtocolVersion.V3_1_1);
        assertThatThrownBy(() -> build(config))
                .hasMessage("Missing required option 'username': expected a user name, because option 'password' is set "
                        + "and protocol-version is '3.1.1' (MQTT 3.1.1 has no password without a user name)")
                .hasMessageNotContaining("secret-pw");
    }

    @Test
    void negativeSessionExpiryIsRefusedAndHugeOnesMeanNever() {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.SESSION_EXPIRY, Duration.ofSeconds(-1));
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '-1 s' for option 'session-expiry': expected a duration of 0 s or more");
        config.set(MqttOptions.SESSION_EXPIRY, Duration.ofDays(100_000));
        assertThat(build(config).sessionExpirySeconds()).isEqualTo(MqttConnectionConfig.SESSION_EXPIRY_NEVER);
        config.set(MqttOptions.SESSION_EXPIRY, Duration.ZERO);
        assertThat(build(config).sessionExpirySeconds()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65_536})
    void receiveMaximumOutsideTheMqttRangeIsRefused(int value) {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.RECEIVE_MAXIMUM, value);
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '" + value + "' for option 'receive-maximum': expected a whole number from 1 to 65535");
    }

    @Test
    void maximumPacketSizeIsTheProtocolsLimitUnlessSet() {
        Configuration config = options("tcp://h");
        assertThat(build(config).maximumPacketSize()).isEqualTo(268_435_460);
        config.set(MqttOptions.MAXIMUM_PACKET_SIZE, MemorySize.parse("64 kb"));
        assertThat(build(config).maximumPacketSize()).isEqualTo(65_536);
        assertThat(build(config)).isNotEqualTo(build(options("tcp://h")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"15 b", "268435461 b", "1 gb"})
    void maximumPacketSizeOutsideTheMqttRangeIsRefused(String value) {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.MAXIMUM_PACKET_SIZE, MemorySize.parse(value));
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '" + MemorySize.parse(value) + "' for option 'maximum-packet-size': expected "
                        + "16 bytes to 268435460 bytes, e.g. '1 mb'");
    }

    @Test
    void maximumPacketSizeNeedsMqtt5() {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.PROTOCOL_VERSION, MqttOptions.ProtocolVersion.V3_1_1);
        config.set(MqttOptions.MAXIMUM_PACKET_SIZE, MemorySize.parse("1 mb"));
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '1 mb' for option 'maximum-packet-size': expected no value with "
                        + "protocol-version '3.1.1', which cannot send a Maximum Packet Size; use protocol-version "
                        + "'5' or the broker's own limit");
    }

    @Test
    void keepAliveUnderOneSecondIsRefusedButZeroSwitchesItOff() {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.KEEP_ALIVE, Duration.ofMillis(999));
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '999 ms' for option 'keep-alive': expected 0 s (off) or 1 s to 65535 s");
        config.set(MqttOptions.KEEP_ALIVE, Duration.ofSeconds(65_536));
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '65536 s' for option 'keep-alive': expected 0 s (off) or 1 s to 65535 s");
        config.set(MqttOptions.KEEP_ALIVE, Duration.ZERO);
        assertThat(build(config).keepAliveSeconds()).isZero();
        config.set(MqttOptions.KEEP_ALIVE, Duration.ofMillis(1_500));
        assertThat(build(config).keepAliveSeconds()).isEqualTo(1);
    }

    @Test
    void connectTimeoutAndBackoffsMustBePositive() {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.CONNECT_TIMEOUT, Duration.ZERO);
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '0 ms' for option 'connect-timeout': expected a positive duration such as '500 ms' or '10 s'");

        Configuration backoff = options("tcp://h");
        backoff.set(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(-5));
        assertThatThrownBy(() -> build(backoff))
                .hasMessageStartingWith("Invalid value '-5 ms' for option 'reconnect.initial-backoff': expected a positive duration");
    }

    @Test
    void maxBackoffBelowTheInitialBackoffIsRefused() {
        Configuration config = options("tcp://h");
        config.set(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofSeconds(2));
        config.set(MqttOptions.RECONNECT_BACKOFF_MAX, Duration.ofMillis(1_500));
        assertThatThrownBy(() -> build(config))
                .hasMessage("Invalid value '1500 ms' for option 'reconnect.max-backoff': expected a duration not shorter "
                        + "than option 'reconnect.initial-backoff' (2 s)");
    }

    @Test
    void tlsStoresNeedAnSslServerUri() {
        Configuration trust = options("tcp://h:1883");
        trust.set(MqttOptions.TLS_TRUSTSTORE, "/etc/ca.p12");
        assertThatThrownBy(() -> build(trust))
                .hasMessage("Invalid value '/etc/ca.p12' for option 'tls.truststore': expected no store with a plain "
                        + "server-uri ('tcp://h:1883'); use ssl://host:port for TLS");

        Configuration key = options("mqtt://h");
        key.set(MqttOptions.TLS_KEYSTORE, "/etc/client.p12");
        assertThatThrownBy(() -> build(key))
                .hasMessage("Invalid value '/etc/client.p12' for option 'tls.keystore': expected no store with a plain "
                        + "server-uri ('mqtt://h'); use ssl://host:port for TLS");
    }

    @Test
    void unreadableStoresAreNamedWhenChecked() throws Exception {
        Configuration missing = options("ssl://h");
        String nowhere = tempDir.resolve("nope.p12").toString();
        missing.set(MqttOptions.TLS_TRUSTSTORE, nowhere);
        MqttConnectionConfig config = build(missing); // the file is read on checkTlsStores, not here
        assertThatThrownBy(config::checkTlsStores)
                .hasMessage("Invalid value '" + nowhere + "' for option 'tls.truststore': expected an existing PKCS12 or JKS file (no such file)");

        Configuration wrongPassword = options("ssl://h");
        String store = TestKeyStores.emptyStore(tempDir.resolve("client.p12"), "right");
        wrongPassword.set(MqttOptions.TLS_KEYSTORE, store);
        wrongPassword.set(MqttOptions.TLS_KEYSTORE_PASSWORD, "wrong-pw");
        assertThatThrownBy(() -> build(wrongPassword).checkTlsStores())
                .hasMessageStartingWith("Invalid value '" + store + "' for option 'tls.keystore': expected a PKCS12 or JKS "
                        + "file readable with option 'tls.keystore-password' (")
                .hasMessageNotContaining("wrong-pw");
    }

    @Test
    void readableStoresPassTheCheck() throws Exception {
        Configuration options = options("ssl://h");
        options.set(MqttOptions.TLS_TRUSTSTORE, TestKeyStores.emptyStore(tempDir.resolve("ca.p12"), "ca-pw"));
        options.set(MqttOptions.TLS_TRUSTSTORE_PASSWORD, "ca-pw");
        MqttConnectionConfig config = build(options);
        config.checkTlsStores();
        assertThat(config.sslConfig()).isSameAs(config.sslConfig());
    }

    @Test
    void toStringNeverShowsThePasswords() {
        Configuration options = options("ssl://h");
        options.set(MqttOptions.USERNAME, "alice");
        options.set(MqttOptions.PASSWORD, "login-secret");
        options.set(MqttOptions.TLS_TRUSTSTORE_PASSWORD, "store-secret");
        assertThat(build(options).toString())
                .contains("alice")
                .contains("******")
                .doesNotContain("login-secret")
                .doesNotContain("store-secret");
    }

    @Test
    void equalOptionsGiveEqualConfigs() {
        Configuration a = options("tcp://h");
        Configuration b = options("tcp://h");
        assertThat(build(a)).isEqualTo(build(b)).hasSameHashCodeAs(build(b));
        b.set(MqttOptions.PASSWORD, "other");
        assertThat(build(a)).isNotEqualTo(build(b));
    }
}
