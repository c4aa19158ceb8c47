package io.mqttbridge.rocketmq.source;

import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.rocketmq.RocketMqOptions;
import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;
import io.mqttbridge.rocketmq.source.reader.QueueClientFactory;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link RocketMqSource}. Required: name server, topic, consumer group, deserializer. The
 * defaults are those of {@link RocketMqOptions} (startup mode {@code group-offsets}, tag filter
 * {@code *}, queue discovery every 30 s).
 */
@PublicEvolving
public final class RocketMqSourceBuilder<T> {

    private String nameServer;
    private String topic;
    private String consumerGroup;
    private StartupMode startupMode = RocketMqOptions.STARTUP_MODE.defaultValue();
    @Nullable private Long startupTimestamp;
    private String tagFilter = RocketMqOptions.TAG_FILTER.defaultValue();
    private Duration discoveryInterval = RocketMqOptions.QUEUE_DISCOVERY_INTERVAL.defaultValue();
    @Nullable private String accessKey;
    @Nullable private String secretKey;
    private final Map<String, String> clientProperties = new HashMap<>();
    private RocketMqMessageDeserializer<T> deserializer;
    private QueueClientFactory clients = QueueClientFactory.PULL_CONSUMER;

    RocketMqSourceBuilder() {}

    /** {@code host:port[;host:port]}. */
    public RocketMqSourceBuilder<T> setNameServer(String nameServer) {
        this.nameServer = nameServer;
        return this;
    }

    public RocketMqSourceBuilder<T> setTopic(String topic) {
        this.topic = topic;
        return this;
    }

    public RocketMqSourceBuilder<T> setConsumerGroup(String consumerGroup) {
        this.consumerGroup = consumerGroup;
        return this;
    }

    /** For {@link StartupMode#TIMESTAMP}, use {@link #setStartupTimestamp(long)}. */
    public RocketMqSourceBuilder<T> setStartupMode(StartupMode startupMode) {
        this.startupMode = startupMode;
        return this;
    }

    /** Startup mode {@link StartupMode#TIMESTAMP} from this time (epoch milliseconds). */
    public RocketMqSourceBuilder<T> setStartupTimestamp(long epochMillis) {
        this.startupMode = StartupMode.TIMESTAMP;
        this.startupTimestamp = epochMillis;
        return this;
    }

    /** A tag expression: {@code *} (the default) or {@code tagA || tagB}. */
    public RocketMqSourceBuilder<T> setTagFilter(String tagFilter) {
        this.tagFilter = tagFilter;
        return this;
    }

    /** How often the name server is asked for new queues; zero: only at the first start. */
    public RocketMqSourceBuilder<T> setDiscoveryInterval(Duration interval) {
        this.discoveryInterval = interval;
        return this;
    }

    /** ACL credentials of the client. */
    public RocketMqSourceBuilder<T> setCredentials(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        return this;
    }

    /** A setting of RocketMQ's ClientConfig ('properties.&lt;name&gt;' in SQL). */
    public RocketMqSourceBuilder<T> setClientProperty(String name, String value) {
        clientProperties.put(name, value);
        return this;
    }

    public RocketMqSourceBuilder<T> setDeserializer(RocketMqMessageDeserializer<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    RocketMqSourceBuilder<T> setClients(QueueClientFactory clients) {
        this.clients = clients;
        return this;
    }

    /** @throws IllegalArgumentException naming the missing or conflicting setting, in the options' names */
    public RocketMqSource<T> build() {
        require(nameServer, RocketMqOptions.NAME_SERVER, "host:port[;host:port]");
        require(topic, RocketMqOptions.TOPIC, "the RocketMQ topic the source reads");
        require(consumerGroup, RocketMqOptions.CONSUMER_GROUP, "a consumer group name");
        require(tagFilter, RocketMqOptions.TAG_FILTER, "'*' or tags joined with '||'");
        Objects.requireNonNull(deserializer, "deserializer");
        Objects.requireNonNull(startupMode, "startupMode");
        if (startupMode == StartupMode.TIMESTAMP && startupTimestamp == null) {
            throw OptionChecks.missing(RocketMqOptions.STARTUP_TIMESTAMP, "epoch milliseconds, with 'startup-mode' = 'timestamp'");
        }
        if (discoveryInterval.isNegative()) {
            throw OptionChecks.invalid(RocketMqOptions.QUEUE_DISCOVERY_INTERVAL, discoveryInterval, "a duration >= 0");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw OptionChecks.missing(accessKey == null ? RocketMqOptions.ACCESS_KEY : RocketMqOptions.SECRET_KEY,
                    "'access-key' and 'secret-key' together");
        }
        RocketMqSourceConfig config = new RocketMqSourceConfig(nameServer.trim(), topic.trim(), consumerGroup.trim(),
                startupMode, startupMode == StartupMode.TIMESTAMP ? startupTimestamp : null, tagFilter.trim(), discoveryInterval,
                accessKey, secretKey, clientProperties);
        return new RocketMqSource<>(config, deserializer, clients);
    }

    private static void require(@Nullable String value, ConfigOption<String> option, String expected) {
        if (value == null || value.isBlank()) {
            throw OptionChecks.missing(option, expected);
        }
    }
}
