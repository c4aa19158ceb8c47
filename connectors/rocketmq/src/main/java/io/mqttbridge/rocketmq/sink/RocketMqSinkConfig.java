package io.mqttbridge.rocketmq.sink;

import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.rocketmq.RocketMqClientProperties;
import io.mqttbridge.rocketmq.RocketMqOptions;
import io.mqttbridge.rocketmq.RocketMqOptions.Credentials;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ReadableConfig;

import org.apache.rocketmq.client.producer.DefaultMQProducer;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checked settings of a {@code rocketmq} sink, from {@link RocketMqOptions}. Every check happens
 * in {@link #of}, when a route is planned or a DataStream sink is built.
 */
@PublicEvolving
public final class RocketMqSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String nameServer;
    @Nullable private final String topic;
    @Nullable private final String tag;
    @Nullable private final Credentials credentials;
    private final String producerGroup;
    private final Duration sendTimeout;
    private final int retries;
    private final TreeMap<String, String> clientProperties;

    private RocketMqSinkConfig(
            String nameServer,
            @Nullable String topic,
            @Nullable String tag,
            @Nullable Credentials credentials,
            String producerGroup,
            Duration sendTimeout,
            int retries,
            Map<String, String> clientProperties) {
        this.nameServer = nameServer;
        this.topic = topic;
        this.tag = tag;
        this.credentials = credentials;
        this.producerGroup = producerGroup;
        this.sendTimeout = sendTimeout;
        this.retries = retries;
        this.clientProperties = new TreeMap<>(clientProperties);
    }

    /**
     * Checks the sink's options; {@code clientProperties} are the {@code properties.*} settings
     * (prefix removed, see {@link RocketMqOptions#clientProperties}). Throws {@link
     * IllegalArgumentException} in the wording of {@link OptionChecks}.
     */
    public static RocketMqSinkConfig of(ReadableConfig options, Map<String, String> clientProperties) {
        String nameServer = RocketMqOptions.nameServer(options);
        String topic = RocketMqOptions.topic(options);
        String tag = OptionChecks.optionalString(options, RocketMqOptions.TAG);
        if (tag != null && tag.contains("||")) {
            throw OptionChecks.invalid(RocketMqOptions.TAG, tag, "one tag without '||' (that is the source's tag-filter syntax)");
        }
        Credentials credentials = RocketMqOptions.credentials(options);
        String group = options.get(RocketMqOptions.PRODUCER_GROUP).trim();
        if (group.isEmpty()) {
            throw OptionChecks.invalid(RocketMqOptions.PRODUCER_GROUP, group, "a producer group name");
        }
        Duration sendTimeout = OptionChecks.positiveDuration(options, RocketMqOptions.SEND_TIMEOUT);
        if (sendTimeout.toMillis() > Integer.MAX_VALUE) {
            throw OptionChecks.invalid(RocketMqOptions.SEND_TIMEOUT, sendTimeout, "a duration of at most 24 days");
        }
        int retries = OptionChecks.intInRange(options, RocketMqOptions.RETRIES, 0, RocketMqOptions.RETRIES_LIMIT);
        // Fails now, naming the option, rather than in every writer.
        RocketMqClientProperties.apply(new DefaultMQProducer(group), clientProperties);
        return new RocketMqSinkConfig(nameServer, topic, tag, credentials, group, sendTimeout, retries, clientProperties);
    }

    public String nameServer() {
        return nameServer;
    }

    /** The topic of messages whose row names none; null when every row must name one. */
    @Nullable
    public String topic() {
        return topic;
    }

    @Nullable
    public String tag() {
        return tag;
    }

    @Nullable
    public Credentials credentials() {
        return credentials;
    }

    public String producerGroup() {
        return producerGroup;
    }

    public Duration sendTimeout() {
        return sendTimeout;
    }

    public int retries() {
        return retries;
    }

    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    /** Never contains the secret key. */
    @Override
    public String toString() {
        return "RocketMqSinkConfig{nameServer=" + nameServer + ", topic=" + topic + ", tag=" + tag
                + ", accessKey=" + (credentials == null ? null : credentials.accessKey())
                + ", producerGroup=" + producerGroup + ", sendTimeout=" + sendTimeout + ", retries=" + retries + "}";
    }
}
