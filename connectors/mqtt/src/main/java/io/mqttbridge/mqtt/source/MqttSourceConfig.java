package io.mqttbridge.mqtt.source;

import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.mqtt.MqttConnectionConfig;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.MqttTopicFilter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import static io.mqttbridge.connector.options.OptionChecks.intInRange;
import static io.mqttbridge.connector.options.OptionChecks.invalid;
import static io.mqttbridge.connector.options.OptionChecks.missing;
import static io.mqttbridge.connector.options.OptionChecks.optionalString;
import static io.mqttbridge.connector.options.OptionChecks.requireString;

/**
 * Everything a subscriber needs, read from the {@link MqttOptions} of one source and validated once.
 * Immutable and serializable. Errors name the option and the accepted values.
 */
@Internal
public final class MqttSourceConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String TOPIC_FILTERS = "one or more MQTT topic filters, comma-separated (e.g. 'devices/+/state')";

    private final MqttConnectionConfig connection;
    /** The filters to subscribe to: {@code $share/<group>/<filter>} when a shared group is set. */
    private final List<String> subscriptionFilters;
    @Nullable private final String sharedGroup;
    @Nullable private final Integer subscribers;
    private final String clientIdPrefix;
    private final int qos;
    private final MqttOptions.AckMode ackMode;
    private final MqttOptions.SessionLostAction sessionLost;

    /** The readable part of a default client id prefix is cut to this, so that client ids stay under 64 characters. */
    private static final int MAX_NAME_IN_DEFAULT_PREFIX = 24;

    private MqttSourceConfig(ReadableConfig config, @Nullable String tableName, @Nullable String qualifiedTableName) {
        this.connection = MqttConnectionConfig.fromConfiguration(config);
        String filters = requireString(config, MqttOptions.TOPIC_FILTER, TOPIC_FILTERS);
        List<String> topicFilters;
        try {
            topicFilters = MqttTopicFilter.parseList(filters);
        } catch (IllegalArgumentException e) {
            throw (IllegalArgumentException)
                    invalid(MqttOptions.TOPIC_FILTER, filters, TOPIC_FILTERS + ". " + e.getMessage()).initCause(e);
        }
        rejectOverlaps(filters, topicFilters);
        String group = config.getOptional(MqttOptions.SHARED_GROUP).map(String::trim).orElse(null);
        if (group != null && (group.isEmpty() || group.contains("/") || group.contains("+") || group.contains("#"))) {
            throw invalid(MqttOptions.SHARED_GROUP, group, "a non-empty name without '/', '+' or '#'");
        }
        this.sharedGroup = group;
        List<String> subscriptions = new ArrayList<>(topicFilters.size());
        for (String filter : topicFilters) {
            subscriptions.add(group == null ? filter : "$share/" + group + "/" + filter);
        }
        this.subscriptionFilters = Collections.unmodifiableList(subscriptions);
        this.subscribers = config.getOptional(MqttOptions.SUBSCRIBERS).orElse(null);
        if (subscribers != null) {
            OptionChecks.atLeast(MqttOptions.SUBSCRIBERS, subscribers, 1);
            if (subscribers > 1 && sharedGroup == null) {
                throw missing(
                        MqttOptions.SHARED_GROUP,
                        "a shared subscription group, because option 'subscribers' = " + subscribers + ": without "
                                + "a shared subscription every subscriber would receive every message (duplicates). "
                                + "Set 'shared-group' or use 'subscribers' = 1.");
            }
        }
        String prefix = optionalString(config, MqttOptions.CLIENT_ID_PREFIX);
        if (prefix == null) {
            if (sharedGroup == null && tableName == null) {
                throw missing(
                        MqttOptions.CLIENT_ID_PREFIX,
                        "a stable client id prefix when 'shared-group' is not set, so that the broker keeps "
                                + "the session across restarts");
            }
            prefix = defaultClientIdPrefix(sharedGroup, tableName, qualifiedTableName, topicFilters);
        }
        this.clientIdPrefix = prefix;
        this.qos = intInRange(config, MqttOptions.QOS, 0, 2);
        this.ackMode = config.get(MqttOptions.ACK_MODE);
        this.sessionLost = config.get(MqttOptions.SESSION_LOST);
        if (ackMode == MqttOptions.AckMode.CHECKPOINT
                && connection.protocolVersion() == MqttOptions.ProtocolVersion.V5
                && connection.sessionExpirySeconds() == 0) {
            // Session expiry 0 ends the session with every connection: each reconnect or restart would
            // drop every message not yet acknowledged, which ack-mode 'checkpoint' exists to keep.
            throw invalid(
                    MqttOptions.SESSION_EXPIRY,
                    config.get(MqttOptions.SESSION_EXPIRY),
                    "at least 1 s with ack-mode 'checkpoint' (0 ends the session, and its unacknowledged messages, "
                            + "with each connection)");
        }
    }

    /**
     * Two filters of one source that a topic can match both would deliver such a message twice: as
     * two shared subscriptions always, in one session as the broker chooses (MQTT 5.0, 3.3.4). The
     * source cannot tell such a copy from a message published twice, so the overlap is refused.
     */
    private static void rejectOverlaps(String option, List<String> filters) {
        for (int i = 0; i < filters.size(); i++) {
            for (int j = i + 1; j < filters.size(); j++) {
                String a = filters.get(i);
                String b = filters.get(j);
                if (MqttTopicFilter.overlaps(a, b)) {
                    throw invalid(
                            MqttOptions.TOPIC_FILTER,
                            option,
                            "filters that no topic matches twice, but "
                                    + (a.equals(b) ? "'" + a + "' is listed twice"
                                            : "'" + a + "' and '" + b + "' overlap: a message on a topic that matches "
                                                    + "both would be delivered twice")
                                    + ". Keep only the wider filter, or list filters that do not overlap");
                }
            }
        }
    }

    /**
     * The default of 'client-id-prefix': {@code mqtt-bridge-<name>-<hash>}. The name (the shared group,
     * else the table name; unsafe characters replaced, at most 24 characters) makes the id readable
     * in logs; the hash (8 hex digits of SHA-256) covers the shared group, the table's qualified name
     * and the sorted filters, so that two tables in one group, or one table after its filters
     * changed, never share a session. The same inputs give the same prefix on every run.
     */
    public static String defaultClientIdPrefix(
            @Nullable String sharedGroup,
            @Nullable String tableName,
            @Nullable String qualifiedTableName,
            List<String> topicFilters) {
        String name = sharedGroup != null ? sharedGroup : Objects.requireNonNull(tableName, "tableName");
        name = name.replaceAll("[^A-Za-z0-9._-]", "-");
        if (name.length() > MAX_NAME_IN_DEFAULT_PREFIX) {
            name = name.substring(0, MAX_NAME_IN_DEFAULT_PREFIX);
        }
        List<String> sorted = new ArrayList<>(topicFilters);
        Collections.sort(sorted);
        // labelled fields, one per line, so that no two different inputs read the same
        String identity = "group=" + Objects.toString(sharedGroup, "") + "\ntable=" + Objects.toString(qualifiedTableName, "")
                + "\nfilters=" + String.join("\n", sorted);
        return "mqtt-bridge-" + name + "-" + sha256Hex8(identity);
    }

    private static String sha256Hex8(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return String.format("%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    /**
     * The DataStream builder's config: 'client-id-prefix' is required unless 'shared-group' is set.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    public static MqttSourceConfig fromConfiguration(ReadableConfig config) {
        return new MqttSourceConfig(config, null, null);
    }

    /**
     * A table's config: the default 'client-id-prefix' covers the table, so that two tables never share
     * a session. {@code tableName} is the readable part (without 'shared-group'), {@code qualifiedTableName}
     * (catalog, database and name) tells tables apart.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    public static MqttSourceConfig forTable(ReadableConfig config, String tableName, String qualifiedTableName) {
        return new MqttSourceConfig(
                config,
                Objects.requireNonNull(tableName, "tableName"),
                Objects.requireNonNull(qualifiedTableName, "qualifiedTableName"));
    }

    public MqttConnectionConfig connection() {
        return connection;
    }

    /** The filters to subscribe to: {@code $share/<group>/<filter>} when a shared group is set. Unmodifiable. */
    public List<String> subscriptionFilters() {
        return subscriptionFilters;
    }

    /** Configured number of subscriber splits; null = the source parallelism (1 without a group). */
    @Nullable
    public Integer subscribers() {
        return sharedGroup == null ? Integer.valueOf(1) : subscribers;
    }

    public String clientIdPrefix() {
        return clientIdPrefix;
    }

    public int qos() {
        return qos;
    }

    public MqttOptions.AckMode ackMode() {
        return ackMode;
    }

    public MqttOptions.SessionLostAction sessionLost() {
        return sessionLost;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttSourceConfig)) {
            return false;
        }
        MqttSourceConfig that = (MqttSourceConfig) o;
        return qos == that.qos
                && connection.equals(that.connection)
                && subscriptionFilters.equals(that.subscriptionFilters)
                && Objects.equals(sharedGroup, that.sharedGroup)
                && Objects.equals(subscribers, that.subscribers)
                && clientIdPrefix.equals(that.clientIdPrefix)
                && ackMode == that.ackMode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(connection, subscriptionFilters, clientIdPrefix, qos, ackMode);
    }

    @Override
    public String toString() {
        return "MqttSourceConfig{" + connection + ", filters " + subscriptionFilters() + ", qos " + qos
                + ", subscribers " + (subscribers() == null ? "= parallelism" : subscribers())
                + ", client id prefix '" + clientIdPrefix + "', ack-mode " + ackMode + '}';
    }
}
