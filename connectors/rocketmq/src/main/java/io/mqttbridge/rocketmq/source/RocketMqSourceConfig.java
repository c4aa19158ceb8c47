package io.mqttbridge.rocketmq.source;

import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.rocketmq.RocketMqClientProperties;
import io.mqttbridge.rocketmq.RocketMqOptions;
import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The validated settings of a {@link RocketMqSource}: built by {@link RocketMqSourceBuilder} (which
 * checks them) or by the table factory. The secret key is never part of {@link #toString()}.
 */
@Internal
public final class RocketMqSourceConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Messages per pull request; RocketMQ's own default. */
    public static final int PULL_BATCH_SIZE = 32;

    private final String nameServer;
    private final String topic;
    private final String consumerGroup;
    private final StartupMode startupMode;
    @Nullable private final Long startupTimestamp;
    private final String tagFilter;
    private final Duration discoveryInterval;
    @Nullable private final String accessKey;
    @Nullable private final String secretKey;
    private final TreeMap<String, String> clientProperties;

    public RocketMqSourceConfig(
            String nameServer,
            String topic,
            String consumerGroup,
            StartupMode startupMode,
            @Nullable Long startupTimestamp,
            String tagFilter,
            Duration discoveryInterval,
            @Nullable String accessKey,
            @Nullable String secretKey,
            Map<String, String> clientProperties) {
        this.nameServer = Objects.requireNonNull(nameServer, "nameServer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.consumerGroup = Objects.requireNonNull(consumerGroup, "consumerGroup");
        this.startupMode = Objects.requireNonNull(startupMode, "startupMode");
        this.startupTimestamp = startupTimestamp;
        this.tagFilter = Objects.requireNonNull(tagFilter, "tagFilter");
        this.discoveryInterval = Objects.requireNonNull(discoveryInterval, "discoveryInterval");
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.clientProperties = new TreeMap<>(clientProperties);
    }

    /**
     * Checks the source's options; {@code clientProperties} are the {@code properties.*} settings
     * (prefix removed). Throws {@link IllegalArgumentException} in the wording of {@link OptionChecks}.
     */
    @SuppressWarnings("deprecation") // the client the source uses, see PullConsumerQueueClient
    public static RocketMqSourceConfig of(ReadableConfig options, Map<String, String> clientProperties) {
        String nameServer = RocketMqOptions.nameServer(options);
        String topic = RocketMqOptions.topic(options);
        if (topic == null) {
            throw OptionChecks.missing(RocketMqOptions.TOPIC, "the RocketMQ topic the source reads");
        }
        String group = OptionChecks.requireString(options, RocketMqOptions.CONSUMER_GROUP,
                "a consumer group name (its committed offsets show the source's progress)");
        StartupMode mode = options.get(RocketMqOptions.STARTUP_MODE);
        Long timestamp = options.getOptional(RocketMqOptions.STARTUP_TIMESTAMP).orElse(null);
        if (mode == StartupMode.TIMESTAMP && timestamp == null) {
            throw OptionChecks.missing(RocketMqOptions.STARTUP_TIMESTAMP, "epoch milliseconds, with 'startup-mode' = 'timestamp'");
        }
        if (mode != StartupMode.TIMESTAMP && timestamp != null) {
            throw OptionChecks.invalid(RocketMqOptions.STARTUP_MODE, mode, "'timestamp' when 'startup-timestamp' is set");
        }
        if (timestamp != null && timestamp < 0) {
            throw OptionChecks.invalid(RocketMqOptions.STARTUP_TIMESTAMP, timestamp, "epoch milliseconds >= 0");
        }
        String tagFilter = options.get(RocketMqOptions.TAG_FILTER).trim();
        if (tagFilter.isEmpty()) {
            throw OptionChecks.invalid(RocketMqOptions.TAG_FILTER, tagFilter, "'*' or tags joined with '||'");
        }
        Duration interval = options.get(RocketMqOptions.QUEUE_DISCOVERY_INTERVAL);
        if (interval.isNegative()) {
            throw OptionChecks.invalid(RocketMqOptions.QUEUE_DISCOVERY_INTERVAL, interval, "a duration >= 0 ('0': only at the first start)");
        }
        RocketMqOptions.Credentials credentials = RocketMqOptions.credentials(options);
        // Fails now, naming the option, rather than in every reader.
        RocketMqClientProperties.apply(new DefaultMQPullConsumer(group), clientProperties);
        return new RocketMqSourceConfig(nameServer, topic, group, mode, timestamp, tagFilter, interval,
                credentials == null ? null : credentials.accessKey(), credentials == null ? null : credentials.secretKey(),
                clientProperties);
    }

    public String nameServer() {
        return nameServer;
    }

    public String topic() {
        return topic;
    }

    public String consumerGroup() {
        return consumerGroup;
    }

    public StartupMode startupMode() {
        return startupMode;
    }

    /** Epoch milliseconds; set exactly when the startup mode is {@link StartupMode#TIMESTAMP}. */
    @Nullable
    public Long startupTimestamp() {
        return startupTimestamp;
    }

    /** A RocketMQ tag expression: {@code *} or {@code a || b}. */
    public String tagFilter() {
        return tagFilter;
    }

    /** Zero: the queues are discovered once, at the first start. */
    public Duration discoveryInterval() {
        return discoveryInterval;
    }

    @Nullable
    public String accessKey() {
        return accessKey;
    }

    @Nullable
    public String secretKey() {
        return secretKey;
    }

    /** 'properties.*' without the prefix: settings of RocketMQ's ClientConfig. */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RocketMqSourceConfig)) {
            return false;
        }
        RocketMqSourceConfig that = (RocketMqSourceConfig) o;
        return nameServer.equals(that.nameServer)
                && topic.equals(that.topic)
                && consumerGroup.equals(that.consumerGroup)
                && startupMode == that.startupMode
                && Objects.equals(startupTimestamp, that.startupTimestamp)
                && tagFilter.equals(that.tagFilter)
                && discoveryInterval.equals(that.discoveryInterval)
                && Objects.equals(accessKey, that.accessKey)
                && Objects.equals(secretKey, that.secretKey)
                && clientProperties.equals(that.clientProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nameServer, topic, consumerGroup, startupMode, tagFilter);
    }

    @Override
    public String toString() {
        return "RocketMqSourceConfig{name-server=" + nameServer + ", topic=" + topic + ", consumer-group=" + consumerGroup
                + ", startup-mode=" + startupMode + (startupTimestamp == null ? "" : ", startup-timestamp=" + startupTimestamp)
                + ", tag-filter=" + tagFilter + ", discovery-interval=" + discoveryInterval
                + (accessKey == null ? "" : ", access-key=" + accessKey) + "}";
    }
}
