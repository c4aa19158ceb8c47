package io.mqttbridge.mqtt;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One MQTT PUBLISH as the source received it. Immutable. Fields the broker did not send are null.
 * User properties keep arrival order; a repeated key keeps its last value (as MQTT 5 filters do).
 */
@PublicEvolving
public final class MqttMessage {

    private final String topic;
    private final byte[] payload;
    private final int qos;
    private final boolean retained;
    @Nullable private final Boolean dup;
    @Nullable private final Integer packetId;
    private final Map<String, String> userProperties;
    @Nullable private final String contentType;
    @Nullable private final String responseTopic;
    @Nullable private final byte[] correlationData;
    @Nullable private final Long messageExpirySeconds;
    private final long receivedAtMillis;

    /** Copies {@code userProperties}: later changes to the caller's map do not show here. */
    public MqttMessage(
            String topic,
            byte[] payload,
            int qos,
            boolean retained,
            @Nullable Boolean dup,
            @Nullable Integer packetId,
            Map<String, String> userProperties,
            @Nullable String contentType,
            @Nullable String responseTopic,
            @Nullable byte[] correlationData,
            @Nullable Long messageExpirySeconds,
            long receivedAtMillis) {
        this(topic, payload, qos, retained, dup, packetId,
                userProperties.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(new LinkedHashMap<>(userProperties)),
                contentType, responseTopic, correlationData, messageExpirySeconds, receivedAtMillis, true);
    }

    /**
     * For the source's client adapters (hot path): takes {@code userProperties} without copying it,
     * so the caller hands over a map it built for this message and never touches again. Callers of
     * {@link #userProperties()} still get an unmodifiable view.
     */
    @Internal
    public static MqttMessage adopting(
            String topic,
            byte[] payload,
            int qos,
            boolean retained,
            @Nullable Boolean dup,
            @Nullable Integer packetId,
            Map<String, String> userProperties,
            @Nullable String contentType,
            @Nullable String responseTopic,
            @Nullable byte[] correlationData,
            @Nullable Long messageExpirySeconds,
            long receivedAtMillis) {
        return new MqttMessage(topic, payload, qos, retained, dup, packetId,
                userProperties.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(userProperties),
                contentType, responseTopic, correlationData, messageExpirySeconds, receivedAtMillis, true);
    }

    /** {@code userProperties} is already unmodifiable and owned by this message ({@code alreadyOwned} only tells the constructors apart). */
    private MqttMessage(
            String topic,
            byte[] payload,
            int qos,
            boolean retained,
            @Nullable Boolean dup,
            @Nullable Integer packetId,
            Map<String, String> userProperties,
            @Nullable String contentType,
            @Nullable String responseTopic,
            @Nullable byte[] correlationData,
            @Nullable Long messageExpirySeconds,
            long receivedAtMillis,
            boolean alreadyOwned) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.qos = qos;
        this.retained = retained;
        this.dup = dup;
        this.packetId = packetId;
        this.userProperties = Objects.requireNonNull(userProperties, "userProperties");
        this.contentType = contentType;
        this.responseTopic = responseTopic;
        this.correlationData = correlationData;
        this.messageExpirySeconds = messageExpirySeconds;
        this.receivedAtMillis = receivedAtMillis;
    }

    public String topic() {
        return topic;
    }

    public byte[] payload() {
        return payload;
    }

    public int qos() {
        return qos;
    }

    public boolean retained() {
        return retained;
    }

    /** DUP flag of the PUBLISH packet; null when the client library could not supply it. */
    @Nullable
    public Boolean dup() {
        return dup;
    }

    /** Packet identifier (QoS 1/2 only); null for QoS 0 or when unavailable. */
    @Nullable
    public Integer packetId() {
        return packetId;
    }

    public Map<String, String> userProperties() {
        return userProperties;
    }

    @Nullable
    public String contentType() {
        return contentType;
    }

    @Nullable
    public String responseTopic() {
        return responseTopic;
    }

    @Nullable
    public byte[] correlationData() {
        return correlationData;
    }

    /** MQTT 5 Message Expiry Interval in seconds, null when the publisher set none. */
    @Nullable
    public Long messageExpirySeconds() {
        return messageExpirySeconds;
    }

    /** Wall-clock time the source received the message. */
    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    /** "topic 'a/b' packet id 12" - for error messages that must name the message. */
    public String describe() {
        return "topic '" + topic + "' packet id " + (packetId == null ? "n/a" : packetId);
    }

    @Override
    public String toString() {
        return "MqttMessage{"
                + describe()
                + ", qos="
                + qos
                + ", retained="
                + retained
                + ", dup="
                + dup
                + ", payload="
                + payload.length
                + " bytes, userProperties="
                + userProperties
                + '}';
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttMessage)) {
            return false;
        }
        MqttMessage that = (MqttMessage) o;
        return qos == that.qos
                && retained == that.retained
                && receivedAtMillis == that.receivedAtMillis
                && topic.equals(that.topic)
                && Arrays.equals(payload, that.payload)
                && Objects.equals(dup, that.dup)
                && Objects.equals(packetId, that.packetId)
                && userProperties.equals(that.userProperties)
                && Objects.equals(contentType, that.contentType)
                && Objects.equals(responseTopic, that.responseTopic)
                && Arrays.equals(correlationData, that.correlationData)
                && Objects.equals(messageExpirySeconds, that.messageExpirySeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, packetId, qos, receivedAtMillis) * 31 + Arrays.hashCode(payload);
    }
}
