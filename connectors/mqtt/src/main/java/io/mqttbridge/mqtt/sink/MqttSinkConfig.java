package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.MqttConnectionConfig;
import io.mqttbridge.mqtt.MqttOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

import static io.mqttbridge.connector.options.OptionChecks.intInRange;
import static io.mqttbridge.connector.options.OptionChecks.invalid;
import static io.mqttbridge.connector.options.OptionChecks.missing;
import static io.mqttbridge.connector.options.OptionChecks.optionalString;

/**
 * Everything a publisher needs, read from the options of one sink and validated once. Immutable and
 * serializable; {@link #toString()} shows no password.
 */
@Internal
public final class MqttSinkConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Between the prefix and the subtask index: a source's ids are {@code <prefix>-<n>}, so the two never meet. */
    public static final String CLIENT_ID_INFIX = "-pub-";

    /** The readable part of a default client id prefix is cut to this, so that client ids stay short. */
    private static final int MAX_NAME_IN_DEFAULT_PREFIX = 24;

    private final MqttConnectionConfig connection;
    @Nullable private final String topic;
    private final int qos;
    private final boolean retain;
    private final int maxInFlight;
    private final String clientIdPrefix;

    private MqttSinkConfig(ReadableConfig config, @Nullable String tableName, @Nullable String qualifiedTableName) {
        this.connection = MqttConnectionConfig.fromConfiguration(config);
        this.topic = optionalString(config, MqttSinkOptions.TOPIC);
        if (topic != null) {
            checkTopic(topic);
        }
        this.qos = intInRange(config, MqttOptions.QOS, 0, 2);
        this.retain = config.get(MqttSinkOptions.RETAIN);
        this.maxInFlight = intInRange(config, MqttSinkOptions.MAX_IN_FLIGHT, 1, 65_535);
        String prefix = optionalString(config, MqttOptions.CLIENT_ID_PREFIX);
        if (prefix == null) {
            if (tableName == null) {
                throw missing(MqttOptions.CLIENT_ID_PREFIX, "a client id prefix for the publishers ('<prefix>-pub-<subtask>')");
            }
            prefix = defaultClientIdPrefix(tableName, qualifiedTableName);
        }
        this.clientIdPrefix = prefix;
    }

    /**
     * The DataStream builder's config: 'client-id-prefix' is required.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    public static MqttSinkConfig fromConfiguration(ReadableConfig config) {
        return new MqttSinkConfig(config, null, null);
    }

    /**
     * A table's config: the default 'client-id-prefix' covers the table's qualified name.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    public static MqttSinkConfig forTable(ReadableConfig config, String tableName, String qualifiedTableName) {
        return new MqttSinkConfig(
                config, Objects.requireNonNull(tableName, "tableName"), Objects.requireNonNull(qualifiedTableName));
    }

    /**
     * {@code mqtt-bridge-sink-<name>-<hash>}: the name (the table's, unsafe characters replaced) makes it
     * readable; the hash (8 hex digits of SHA-256 over "sink" and the qualified name) tells tables apart.
     * A source's default is {@code mqtt-bridge-<name>-<8 hex>} and its ids end in {@code -<8 hex>-<n>},
     * while a sink's end in {@code -pub-<n>}: the defaults of the two can never give the same id.
     */
    public static String defaultClientIdPrefix(String tableName, String qualifiedTableName) {
        String name = tableName.replaceAll("[^A-Za-z0-9._-]", "-");
        if (name.length() > MAX_NAME_IN_DEFAULT_PREFIX) {
            name = name.substring(0, MAX_NAME_IN_DEFAULT_PREFIX);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("sink\ntable=" + qualifiedTableName).getBytes(StandardCharsets.UTF_8));
            return String.format("mqtt-bridge-sink-%s-%02x%02x%02x%02x", name, digest[0], digest[1], digest[2], digest[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    /** What a topic to publish to must be, for messages. */
    public static final String TOPIC_NAME = "a topic name without wildcards '+' and '#', e.g. 'devices/all/commands'";

    /** True for a topic name a PUBLISH may carry: not empty, no wildcards, no NUL (MQTT 5.0 4.7.1, 4.7.3). */
    public static boolean isTopicName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0 && topic.indexOf('\u0000') < 0;
    }

    private static void checkTopic(String topic) {
        if (!isTopicName(topic)) {
            throw invalid(MqttSinkOptions.TOPIC, topic, TOPIC_NAME);
        }
    }

    public MqttConnectionConfig connection() {
        return connection;
    }

    /** The topic of rows without one of their own; null when every row must bring its topic. */
    @Nullable
    public String topic() {
        return topic;
    }

    public int qos() {
        return qos;
    }

    public boolean retain() {
        return retain;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public String clientIdPrefix() {
        return clientIdPrefix;
    }

    /** The stable client id of subtask {@code subtask}: {@code <prefix>-pub-<subtask>}. */
    public String clientId(int subtask) {
        return clientIdPrefix + CLIENT_ID_INFIX + subtask;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttSinkConfig)) {
            return false;
        }
        MqttSinkConfig that = (MqttSinkConfig) o;
        return qos == that.qos
                && retain == that.retain
                && maxInFlight == that.maxInFlight
                && connection.equals(that.connection)
                && Objects.equals(topic, that.topic)
                && clientIdPrefix.equals(that.clientIdPrefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connection, topic, qos, retain, clientIdPrefix);
    }

    @Override
    public String toString() {
        return "MqttSinkConfig{" + connection + ", topic " + (topic == null ? "per row" : "'" + topic + "'") + ", qos " + qos
                + ", retain " + retain + ", max in flight " + maxInFlight + ", client id prefix '" + clientIdPrefix + "'}";
    }
}
