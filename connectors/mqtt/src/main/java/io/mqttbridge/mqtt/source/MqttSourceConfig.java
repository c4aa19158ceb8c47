package io.mqttbridge.mqtt.source;

import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.mqtt.MqttConnectionConfig;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.MqttTopicFilter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
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

    private MqttSourceConfig(ReadableConfig config, @Nullable String tableName) {
        this.connection = MqttConnectionConfig.fromConfiguration(config);
        String filters = requireString(config, MqttOptions.TOPIC_FILTER, TOPIC_FILTERS);
        List<String> topicFilters;
        try {
            topicFilters = MqttTopicFilter.parseList(filters);
        } catch (IllegalArgumentException e) {
            throw (IllegalArgumentException)
                    invalid(MqttOptions.TOPIC_FILTER, filters, TOPIC_FILTERS + ". " + e.getMessage()).initCause(e);
        }
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
            prefix = defaultClientIdPrefix(sharedGroup, tableName);
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
     * The one default of 'client-id-prefix': 'mqtt-bridge-&lt;shared-group&gt;', else
     * 'mqtt-bridge-&lt;name&gt;' (the table name), in client-id-safe characters.
     */
    public static String defaultClientIdPrefix(@Nullable String sharedGroup, @Nullable String name) {
        String base = sharedGroup != null ? sharedGroup : Objects.requireNonNull(name, "name");
        return "mqtt-bridge-" + base.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /**
     * The DataStream builder's config: 'client-id-prefix' is required unless 'shared-group' is set.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    public static MqttSourceConfig fromConfiguration(ReadableConfig config) {
        return new MqttSourceConfig(config, null);
    }

    /**
     * A table's config: without 'client-id-prefix' and 'shared-group' the prefix follows the table name.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    public static MqttSourceConfig forTable(ReadableConfig config, String tableName) {
        return new MqttSourceConfig(config, Objects.requireNonNull(tableName, "tableName"));
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
