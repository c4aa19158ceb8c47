package io.mqttbridge.mqtt;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * Every option of the MQTT connector, shared by the DataStream builder ({@code MqttSource.builder()})
 * and the {@code 'mqtt'} table factory: one config model. The README's option table is written
 * from this class; keep names, defaults and descriptions in step with it.
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
                            "Broker address: tcp://host:port (plain) or ssl://host:port (TLS). Required.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User name sent in CONNECT.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password sent in CONNECT. Write it as ${env:NAME} in a routes file; it is never logged.");

    public static final ConfigOption<String> CLIENT_ID_PREFIX =
            ConfigOptions.key("client-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Prefix of the stable client ids; connection n uses '<prefix>-<n>'. "
                                    + "Default: 'mqtt-bridge-<shared-group>' or 'mqtt-bridge-<table name>'. "
                                    + "Keep it stable across restarts: the broker keeps the session under this id.");

    public static final ConfigOption<ProtocolVersion> PROTOCOL_VERSION =
            ConfigOptions.key("protocol-version")
                    .enumType(ProtocolVersion.class)
                    .defaultValue(ProtocolVersion.V5)
                    .withDescription("MQTT protocol version: '5' (MQTT 5) or '3.1.1' (MQTT 3.1.1).");

    public static final ConfigOption<Duration> SESSION_EXPIRY =
            ConfigOptions.key("session-expiry")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "How long the broker keeps a disconnected subscriber's session and its "
                                    + "unacknowledged messages (MQTT 5 Session Expiry Interval). Must exceed "
                                    + "the longest expected restart. MQTT 3.1.1 uses clean-session=false instead.");

    public static final ConfigOption<Integer> RECEIVE_MAXIMUM =
            ConfigOptions.key("receive-maximum")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "MQTT 5 Receive Maximum: unacknowledged QoS 1/2 messages the broker may send "
                                    + "per connection (1..65535). With ack-mode 'checkpoint' this bounds "
                                    + "throughput to receive-maximum x subscribers / checkpoint interval.");

    public static final ConfigOption<Duration> KEEP_ALIVE =
            ConfigOptions.key("keep-alive")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("MQTT keep alive interval.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Time allowed for the TCP/TLS connect and the CONNACK.");

    public static final ConfigOption<Duration> RECONNECT_BACKOFF_INITIAL =
            ConfigOptions.key("reconnect.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription("First delay before reconnecting a lost connection; doubles on each failure.");

    public static final ConfigOption<Duration> RECONNECT_BACKOFF_MAX =
            ConfigOptions.key("reconnect.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Upper bound of the reconnect delay.");

    // ---- TLS -------------------------------------------------------------------------------

    public static final ConfigOption<String> TLS_TRUSTSTORE =
            ConfigOptions.key("tls.truststore")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Trust store (PKCS12 or JKS file) with the CA that signed the broker certificate. "
                                    + "Default: the JVM's trusted CAs.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD =
            ConfigOptions.key("tls.truststore-password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of tls.truststore.");

    public static final ConfigOption<String> TLS_KEYSTORE =
            ConfigOptions.key("tls.keystore")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Key store (PKCS12 or JKS) with the client certificate, for mutual TLS.");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD =
            ConfigOptions.key("tls.keystore-password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of tls.keystore (and of its key).");

    public static final ConfigOption<Boolean> TLS_VERIFY_HOSTNAME =
            ConfigOptions.key("tls.verify-hostname")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Check that the broker certificate matches the host of server-uri.");

    // ---- subscription (source) -------------------------------------------------------------

    public static final ConfigOption<String> TOPIC_FILTER =
            ConfigOptions.key("topic-filter")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "One or more MQTT topic filters, comma-separated, with + and # wildcards "
                                    + "(e.g. 'vehicles/+/battery,vehicles/+/alarm'). Required for a source.");

    public static final ConfigOption<String> SHARED_GROUP =
            ConfigOptions.key("shared-group")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "MQTT 5 shared subscription group: every subscriber subscribes to "
                                    + "$share/<group>/<filter> and the broker spreads messages over them. "
                                    + "Without it there is exactly one subscriber.");

    public static final ConfigOption<Integer> SUBSCRIBERS =
            ConfigOptions.key("subscribers")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Number of subscriber connections (splits) in the shared group; may exceed the "
                                    + "parallelism. Default: the source parallelism. Must be 1 without shared-group.");

    public static final ConfigOption<Integer> QOS =
            ConfigOptions.key("qos")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Maximum QoS of the subscription: 0, 1 or 2.");

    public static final ConfigOption<AckMode> ACK_MODE =
            ConfigOptions.key("ack-mode")
                    .enumType(AckMode.class)
                    .defaultValue(AckMode.CHECKPOINT)
                    .withDescription(
                            "CHECKPOINT: acknowledge a QoS 1/2 message only after the checkpoint covering it "
                                    + "completes (nothing lost). RECEIPT: acknowledge on arrival (messages in "
                                    + "flight at a failure are lost).");

    // ---- metadata read from user properties ------------------------------------------------

    public static final ConfigOption<String> MESSAGE_ID_PROPERTY =
            ConfigOptions.key("message-id.property")
                    .stringType()
                    .defaultValue("message-id")
                    .withDescription("User property that carries the publisher's message id (metadata 'message-id').");

    public static final ConfigOption<String> TIMESTAMP_PROPERTY =
            ConfigOptions.key("timestamp.property")
                    .stringType()
                    .defaultValue("timestamp")
                    .withDescription(
                            "User property with the publish time in epoch milliseconds (metadata 'timestamp'); "
                                    + "when absent, the time the source received the message.");

    public static final ConfigOption<String> CLIENT_ID_PROPERTY =
            ConfigOptions.key("client-id.property")
                    .stringType()
                    .defaultValue("client-id")
                    .withDescription("User property with the publisher's client id (metadata 'client-id').");

    public static final ConfigOption<String> CLIENT_HOST_PROPERTY =
            ConfigOptions.key("client-host.property")
                    .stringType()
                    .defaultValue("client-host")
                    .withDescription("User property with the publisher's host (metadata 'client-host').");

    public static final ConfigOption<String> USERNAME_PROPERTY =
            ConfigOptions.key("username.property")
                    .stringType()
                    .defaultValue("username")
                    .withDescription("User property with the publisher's user name (metadata 'username').");

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
