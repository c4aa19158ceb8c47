package io.mqttbridge.rocketmq;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.connector.options.OptionChecks;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The options of the {@code 'rocketmq'} table and of the DataStream builders of its source and sink.
 * One vocabulary for both directions; the descriptions say which side an option belongs to. The
 * docs' option tables are generated from the descriptions, so each one states the accepted values.
 * Flink's {@code format} and {@code sink.parallelism} are accepted beside these.
 */
@PublicEvolving
public final class RocketMqOptions {

    /** Client settings of RocketMQ's own client, given as {@code properties.<setting>} (e.g. {@code properties.maxMessageSize}). */
    public static final String PROPERTIES_PREFIX = "properties.";

    /** Upper bound of {@link #RETRIES}. */
    public static final int RETRIES_LIMIT = 100;

    private RocketMqOptions() {}

    /** Where a source starts reading when it has no checkpointed offsets. */
    @PublicEvolving
    public enum StartupMode {
        /** The first message still stored in each queue. */
        EARLIEST,
        /** Only messages stored after the source started. */
        LATEST,
        /** The first message stored at or after {@code startup-timestamp}. */
        TIMESTAMP,
        /** The offsets the consumer group committed. */
        GROUP_OFFSETS;

        /** The value as written in SQL: 'earliest', 'group-offsets', ... */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    // ---- both directions ----

    public static final ConfigOption<String> NAME_SERVER =
            ConfigOptions.key("name-server")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Address of the RocketMQ name server(s): 'host:port', several separated by ';' "
                                    + "(e.g. '10.0.0.1:9876;10.0.0.2:9876'). Required.");

    public static final ConfigOption<String> TOPIC =
            ConfigOptions.key("topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "RocketMQ topic. Source: the topic read (required). Sink: the topic written to, "
                                    + "unless a writable 'topic' metadata column names one per row (then optional). "
                                    + "Topic names allow letters, digits, '%', '-' and '_' (no '/': map MQTT topics "
                                    + "with MQTT_TOPIC_LEVEL, see the docs).");

    public static final ConfigOption<String> TAG =
            ConfigOptions.key("tag")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Sink: the tag of every message, unless a writable 'tag' metadata column gives one "
                                    + "per row (a NULL there falls back to this option). No tag when unset.");

    public static final ConfigOption<String> ACCESS_KEY =
            ConfigOptions.key("access-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Access key of a cluster with ACL enabled; requests are signed with it and "
                                    + "secret-key (both or neither). Write it as '${env:NAME}' to keep it out of the "
                                    + "routes file.");

    public static final ConfigOption<String> SECRET_KEY =
            ConfigOptions.key("secret-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Secret key belonging to access-key; never logged. Write it as '${env:NAME}'.");

    // ---- sink ----

    public static final ConfigOption<String> PRODUCER_GROUP =
            ConfigOptions.key("producer-group")
                    .stringType()
                    .defaultValue("mqtt-bridge-producer")
                    .withDescription(
                            "Sink: producer group of the sink's producers (RocketMQ uses it for transactions "
                                    + "and monitoring only).");

    public static final ConfigOption<Duration> SEND_TIMEOUT =
            ConfigOptions.key("send-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(3))
                    .withDescription(
                            "Sink: how long one send attempt may take until the broker acknowledges it, a "
                                    + "positive duration. A checkpoint waits up to send-timeout x (retries + 1) for "
                                    + "the last sends.");

    public static final ConfigOption<Integer> RETRIES =
            ConfigOptions.key("retries")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Sink: how often a failed or timed-out send is retried, 0 to " + RETRIES_LIMIT
                                    + ". A send that still fails fails the checkpoint and the job restarts from "
                                    + "the last one: nothing is lost.");

    /** The same option as the mqtt and http-function sink tables (connectors/common). */
    public static final ConfigOption<String> LATENCY_TIME_COLUMN = LatencyTimeColumn.OPTION;

    // ---- source ----

    public static final ConfigOption<String> CONSUMER_GROUP =
            ConfigOptions.key("consumer-group")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Source: consumer group whose offsets are committed to the broker on checkpoint "
                                    + "completion (for monitoring) and read by startup-mode 'group-offsets'. "
                                    + "Required.");

    public static final ConfigOption<StartupMode> STARTUP_MODE =
            ConfigOptions.key("startup-mode")
                    .enumType(StartupMode.class)
                    .defaultValue(StartupMode.GROUP_OFFSETS)
                    .withDescription(
                            "Source: where reading starts without checkpointed offsets: 'earliest', 'latest', "
                                    + "'timestamp' (startup-timestamp) or 'group-offsets' (the consumer group's "
                                    + "committed offsets).");

    public static final ConfigOption<Long> STARTUP_TIMESTAMP =
            ConfigOptions.key("startup-timestamp")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "Source: epoch milliseconds from which startup-mode 'timestamp' reads (the first "
                                    + "message stored at or after it). Required with that mode.");

    public static final ConfigOption<String> TAG_FILTER =
            ConfigOptions.key("tag-filter")
                    .stringType()
                    .defaultValue("*")
                    .withDescription(
                            "Source: RocketMQ tag expression of the messages read: '*' (all) or tags joined "
                                    + "with '||' (e.g. 'will || status').");

    public static final ConfigOption<Duration> QUEUE_DISCOVERY_INTERVAL =
            ConfigOptions.key("queue-discovery.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Source: how often the name server is asked for the topic's message queues; a queue "
                                    + "found after the first start is read from its earliest offset. '0' asks only "
                                    + "at the first start.");

    // ---- checks shared by source and sink ----

    /** The name server list, each entry {@code host:port}; entries trimmed, joined with ';'. */
    public static String nameServer(ReadableConfig config) {
        String value = OptionChecks.requireString(config, NAME_SERVER, "'host:port' of the RocketMQ name server, several separated by ';'");
        String expected = "'host:port' entries separated by ';', port 1 to 65535 (e.g. '127.0.0.1:9876')";
        StringBuilder normalised = new StringBuilder();
        for (String entry : value.split(";", -1)) {
            String address = entry.trim();
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw OptionChecks.invalid(NAME_SERVER, value, expected);
            }
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw OptionChecks.invalid(NAME_SERVER, value, expected);
            }
            if (port < 1 || port > 65_535) {
                throw OptionChecks.invalid(NAME_SERVER, value, expected);
            }
            if (normalised.length() > 0) {
                normalised.append(';');
            }
            normalised.append(address);
        }
        return normalised.toString();
    }

    /** The topic, checked against RocketMQ's topic-name rules; null when unset. */
    @Nullable
    public static String topic(ReadableConfig config) {
        String topic = OptionChecks.optionalString(config, TOPIC);
        if (topic != null) {
            checkTopicName(TOPIC.key(), topic);
        }
        return topic;
    }

    /**
     * RocketMQ's rule for topic names: 1 to 127 characters of letters, digits, '%', '-', '_' and '|'.
     * Checked here too so a wrong name fails when the route is planned, not at the first send.
     */
    public static void checkTopicName(String what, String topic) {
        if (!isValidTopicName(topic)) {
            throw OptionChecks.invalid(
                    what, topic, "a RocketMQ topic name: 1 to 127 letters, digits, '%', '-', '_' or '|' (no '/': "
                            + "derive one from an MQTT topic with MQTT_TOPIC_LEVEL)");
        }
    }

    /** See {@link #checkTopicName}. */
    public static boolean isValidTopicName(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > 127) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '%' || c == '-' || c == '_' || c == '|';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Access key and secret key, both or neither; null when neither is set. Never put the secret into a message. */
    @Nullable
    public static Credentials credentials(ReadableConfig config) {
        String accessKey = OptionChecks.optionalString(config, ACCESS_KEY);
        String secretKey = OptionChecks.optionalString(config, SECRET_KEY);
        if (accessKey == null && secretKey == null) {
            return null;
        }
        if (accessKey == null) {
            throw OptionChecks.missing(ACCESS_KEY, "the access key that belongs to option 'secret-key'");
        }
        if (secretKey == null) {
            throw OptionChecks.missing(SECRET_KEY, "the secret key that belongs to option 'access-key'");
        }
        return new Credentials(accessKey, secretKey);
    }

    /** The {@code properties.<setting>} options of a table, keyed by setting name (prefix removed). */
    public static Map<String, String> clientProperties(Map<String, String> tableOptions) {
        Map<String, String> properties = new TreeMap<>();
        tableOptions.forEach(
                (key, value) -> {
                    if (key.startsWith(PROPERTIES_PREFIX)) {
                        String setting = key.substring(PROPERTIES_PREFIX.length());
                        if (setting.isEmpty()) {
                            throw OptionChecks.invalid(key, value, "a client setting name after 'properties.'");
                        }
                        properties.put(setting, value);
                    }
                });
        return properties;
    }

    /** An access key and its secret; {@link #toString()} hides the secret. */
    @PublicEvolving
    public static final class Credentials implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        private final String accessKey;
        private final String secretKey;

        public Credentials(String accessKey, String secretKey) {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
        }

        public String accessKey() {
            return accessKey;
        }

        public String secretKey() {
            return secretKey;
        }

        @Override
        public String toString() {
            return "Credentials{accessKey=" + accessKey + ", secretKey=***}";
        }
    }
}
