package io.mqttbridge.mqtt;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;

/**
 * The options of the MQTT source that the DataStream builder ({@code MqttSource.builder()}) and the
 * {@code 'mqtt'} table share: connection, TLS and subscription. Options only the table knows
 * (metadata property names) are in {@code MqttTableOptions}. The docs' option tables are generated
 * from the descriptions, so each one states the accepted values.
 */
@PublicEvolving
public final class MqttOptions {

    /** How the source acknowledges QoS 1/2 messages. */
    public enum AckMode {
        /** Acknowledge once the checkpoint that covers the message completes (nothing lost). */
        CHECKPOINT,
        /** Acknowledge on arrival: faster, but messages in flight at a failure are lost. */
        RECEIPT
    }

    /** MQTT protocol version used for every connection. */
    public enum ProtocolVersion {
        V5("5"),
        V3_1_1("3.1.1");

        private final String label;

        ProtocolVersion(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    // ---- connection ------------------------------------------------------------------------

    public static final ConfigOption<String> SERVER_URI =
            ConfigOptions.key("server-uri")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Address of the broker: tcp://host:port for plain TCP or ssl://host:port for TLS "
                                    + "(mqtt:// and mqtts:// are accepted as aliases). The port defaults to 1883 "
                                    + "(tcp) or 8883 (ssl). Required.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User name sent in CONNECT. Default: none (anonymous).");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password sent in CONNECT. With protocol-version '3.1.1' it requires username. "
                                    + "Write it as ${env:NAME} in a routes file; it is never logged.");

    public static final ConfigOption<String> CLIENT_ID_PREFIX =
            ConfigOptions.key("client-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Prefix of the stable client ids; subscriber connection n uses '<prefix>-<n>'. "
                                    + "Default: 'mqtt-bridge-<name>-<hash>', the name being shared-group, else "
                                    + "(table only) the table name, and the hash 8 hex digits over shared-group, "
                                    + "the table's full name and the filters, so that no two tables share a session; "
                                    + "the DataStream builder requires it when shared-group is not set. "
                                    + "Keep it stable across restarts: the broker keeps the session under this id. "
                                    + "A sink table's subtask n publishes as '<prefix>-pub-<n>', by default with the "
                                    + "prefix 'mqtt-bridge-sink-<table name>-<hash>' (see docs/connectors/mqtt.md, Sink).");

    public static final ConfigOption<ProtocolVersion> PROTOCOL_VERSION =
            ConfigOptions.key("protocol-version")
                    .enumType(ProtocolVersion.class)
                    .defaultValue(ProtocolVersion.V5)
                    .withDescription("MQTT protocol version of every connection: '5' (MQTT 5) or '3.1.1' (MQTT 3.1.1).");

    public static final ConfigOption<Duration> SESSION_EXPIRY =
            ConfigOptions.key("session-expiry")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "How long the broker keeps a disconnected subscriber's session and its "
                                    + "unacknowledged messages (MQTT 5 Session Expiry Interval), 0 s or more; "
                                    + "values beyond 4294967295 s mean 'never expires'. Must exceed the longest "
                                    + "expected restart. MQTT 3.1.1 uses clean-session=false instead.");

    public static final ConfigOption<Integer> RECEIVE_MAXIMUM =
            ConfigOptions.key("receive-maximum")
                    .intType()
                    .defaultValue(65_535)
                    .withDescription(
                            "MQTT 5 Receive Maximum: unacknowledged QoS 1/2 messages the broker may send "
                                    + "per connection, 1 to 65535. With ack-mode 'checkpoint' this bounds "
                                    + "throughput to receive-maximum x subscribers / checkpoint interval (as "
                                    + "measured on ActiveMQ Artemis); a broker may apply a smaller window of its "
                                    + "own, whatever is sent (HiveMQ CE as shipped: 50, and one such window for a whole "
                                    + "shared group). "
                                    + "65535 (the MQTT default) is not sent, so the broker's own window applies "
                                    + "(Mosquitto: max_inflight_messages); a smaller value on Mosquitto 2.0.11 "
                                    + "or 2.0.12 makes the broker overrun a full window (see docs/brokers.md).");

    public static final ConfigOption<MemorySize> MAXIMUM_PACKET_SIZE =
            ConfigOptions.key("maximum-packet-size")
                    .memoryType()
                    .noDefaultValue()
                    .withDescription(
                            "MQTT 5 Maximum Packet Size sent in CONNECT: the largest PUBLISH packet (payload, "
                                    + "topic and properties) the broker may send to the source, 16 bytes to "
                                    + "268435460 bytes, e.g. '1 mb'. The broker drops a larger message for this "
                                    + "client without telling it (MQTT 5.0 3.1.2.11.4), so such messages are lost "
                                    + "at the broker. Requires protocol-version '5'. Default: none, the broker's "
                                    + "own limit (HiveMQ CE and Mosquitto: 256 MB).");

    public static final ConfigOption<Duration> KEEP_ALIVE =
            ConfigOptions.key("keep-alive")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "MQTT keep alive interval in whole seconds: 0 s (off) or 1 s to 65535 s.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Time allowed for the TCP/TLS connect and the CONNACK; a positive duration.");

    public static final ConfigOption<Duration> RECONNECT_BACKOFF_INITIAL =
            ConfigOptions.key("reconnect.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "First delay before reconnecting a lost connection, a positive duration; "
                                    + "it doubles on each failed attempt.");

    public static final ConfigOption<Duration> RECONNECT_BACKOFF_MAX =
            ConfigOptions.key("reconnect.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Upper bound of the reconnect delay, a positive duration not shorter than "
                                    + "reconnect.initial-backoff.");

    // ---- TLS -------------------------------------------------------------------------------

    public static final ConfigOption<String> TLS_TRUSTSTORE =
            ConfigOptions.key("tls.truststore")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Trust store (PKCS12 or JKS file) with the CA that signed the broker certificate. "
                                    + "Needs an ssl:// server-uri. Default: the JVM's trusted CAs.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD =
            ConfigOptions.key("tls.truststore-password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of tls.truststore. Default: none.");

    public static final ConfigOption<String> TLS_KEYSTORE =
            ConfigOptions.key("tls.keystore")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Key store (PKCS12 or JKS file) with the client certificate and key, for mutual "
                                    + "TLS. Needs an ssl:// server-uri. Default: none (no client certificate).");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD =
            ConfigOptions.key("tls.keystore-password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of tls.keystore and of its key. Default: none.");

    public static final ConfigOption<Boolean> TLS_VERIFY_HOSTNAME =
            ConfigOptions.key("tls.verify-hostname")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether to check that the broker certificate matches the host of server-uri: "
                                    + "true or false. The certificate chain is verified either way.");

    // ---- subscription (source) -------------------------------------------------------------

    public static final ConfigOption<String> TOPIC_FILTER =
            ConfigOptions.key("topic-filter")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "One or more MQTT topic filters, comma-separated, with + and # wildcards "
                                    + "(e.g. 'vehicles/+/battery,vehicles/+/alarm'). '#' only as the last level; "
                                    + "a wildcard fills a whole level. Required.");

    public static final ConfigOption<String> SHARED_GROUP =
            ConfigOptions.key("shared-group")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "MQTT 5 shared subscription group: every subscriber subscribes to "
                                    + "$share/<group>/<filter> and the broker spreads messages over them. "
                                    + "A name without '/', '+' or '#'. Default: none, and then there is exactly one "
                                    + "subscriber.");

    public static final ConfigOption<Integer> SUBSCRIBERS =
            ConfigOptions.key("subscribers")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Number of subscriber connections (splits) in the shared group; may exceed the "
                                    + "parallelism. A whole number of at least 1; more than 1 requires shared-group. "
                                    + "Default: the source parallelism with shared-group, else 1.");

    public static final ConfigOption<Integer> QOS =
            ConfigOptions.key("qos")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Source: maximum QoS of the subscription; sink: QoS of every publish. 0, 1 or 2.");

    public static final ConfigOption<AckMode> ACK_MODE =
            ConfigOptions.key("ack-mode")
                    .enumType(AckMode.class)
                    .defaultValue(AckMode.CHECKPOINT)
                    .withDescription(
                            "When a QoS 1/2 message is acknowledged: 'checkpoint' once the checkpoint covering "
                                    + "it completes (nothing is lost), or 'receipt' on arrival (faster, but messages "
                                    + "in flight at a failure are lost).");

    // ---- a lost session ---------------------------------------------------------------------

    /** What the source does when a restore finds its session gone at the broker. */
    public enum SessionLostAction {
        /** Fail the job (no restart) with the client id and what to do. */
        FAIL,
        /** Log at ERROR, count in 'sessionsLost' and go on. */
        LOG
    }

    public static final ConfigOption<SessionLostAction> SESSION_LOST =
            ConfigOptions.key("session-lost")
                    .enumType(SessionLostAction.class)
                    .defaultValue(SessionLostAction.FAIL)
                    .withDescription(
                            "What the source does when, restoring from a checkpoint that held unacknowledged "
                                    + "messages, it finds that the broker has no session for a subscriber (broker "
                                    + "restarted without persistence, or the job was down longer than "
                                    + "'session-expiry'): messages emitted after that checkpoint and messages queued "
                                    + "at the broker may be lost. FAIL: fail the job without restarting it, naming the "
                                    + "client id. LOG: log at ERROR and go on. Either way every lost session is logged "
                                    + "at ERROR and counted in the 'sessionsLost' metric.");

    private MqttOptions() {}
}
