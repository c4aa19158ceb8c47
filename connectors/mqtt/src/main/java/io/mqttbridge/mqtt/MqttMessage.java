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

    private MqttMessage(Builder b) {
        this.topic = Objects.requireNonNull(b.topic, "topic");
        this.payload = Objects.requireNonNull(b.payload, "payload");
        this.qos = b.qos;
        this.retained = b.retained;
        this.dup = b.dup;
        this.packetId = b.packetId;
        Map<String, String> properties = Objects.requireNonNull(b.userProperties, "userProperties");
        // No map at all for the common message without properties; an adopted map is wrapped, not copied.
        this.userProperties = properties.isEmpty()
                ? Collections.emptyMap()
                : Collections.unmodifiableMap(b.adopted ? properties : new LinkedHashMap<>(properties));
        this.contentType = b.contentType;
        this.responseTopic = b.responseTopic;
        this.correlationData = b.correlationData;
        this.messageExpirySeconds = b.messageExpirySeconds;
        this.receivedAtMillis = b.receivedAtSet ? b.receivedAtMillis : System.currentTimeMillis();
    }

    /** A builder; topic and payload are required, every other field has the default its setter names. */
    public static Builder builder() {
        return new Builder();
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

    /**
     * Builds an {@link MqttMessage}. Neither the payload nor the correlation data are copied: the
     * message takes the arrays it is given. A builder builds one message.
     */
    @PublicEvolving
    public static final class Builder {

        private String topic;
        private byte[] payload;
        private int qos;
        private boolean retained;
        @Nullable private Boolean dup;
        @Nullable private Integer packetId;
        private Map<String, String> userProperties = Collections.emptyMap();
        private boolean adopted;
        @Nullable private String contentType;
        @Nullable private String responseTopic;
        @Nullable private byte[] correlationData;
        @Nullable private Long messageExpirySeconds;
        private long receivedAtMillis;
        private boolean receivedAtSet;

        private Builder() {}

        /** Required. */
        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        /** Required; taken without a copy. */
        public Builder setPayload(byte[] payload) {
            this.payload = payload;
            return this;
        }

        /** Default 0. */
        public Builder setQos(int qos) {
            this.qos = qos;
            return this;
        }

        /** Default false. */
        public Builder setRetained(boolean retained) {
            this.retained = retained;
            return this;
        }

        /** Default null: the client library could not supply the DUP flag. */
        public Builder setDup(@Nullable Boolean dup) {
            this.dup = dup;
            return this;
        }

        /** Default null (QoS 0, or unavailable). */
        public Builder setPacketId(@Nullable Integer packetId) {
            this.packetId = packetId;
            return this;
        }

        /** Default none. Copied at {@link #build()}: later changes to the caller's map do not show. */
        public Builder setUserProperties(Map<String, String> userProperties) {
            this.userProperties = userProperties;
            this.adopted = false;
            return this;
        }

        /**
         * For the source's client adapters (hot path): takes {@code userProperties} without copying it,
         * so the caller hands over a map it built for this message and never touches again. Callers of
         * {@link MqttMessage#userProperties()} still get an unmodifiable view.
         */
        @Internal
        public Builder adoptUserProperties(Map<String, String> userProperties) {
            this.userProperties = userProperties;
            this.adopted = true;
            return this;
        }

        /** Default null. */
        public Builder setContentType(@Nullable String contentType) {
            this.contentType = contentType;
            return this;
        }

        /** Default null. */
        public Builder setResponseTopic(@Nullable String responseTopic) {
            this.responseTopic = responseTopic;
            return this;
        }

        /** Default null; taken without a copy. */
        public Builder setCorrelationData(@Nullable byte[] correlationData) {
            this.correlationData = correlationData;
            return this;
        }

        /** Default null: the publisher set no MQTT 5 Message Expiry Interval. */
        public Builder setMessageExpirySeconds(@Nullable Long messageExpirySeconds) {
            this.messageExpirySeconds = messageExpirySeconds;
            return this;
        }

        /** Default: the time {@link #build()} is called. */
        public Builder setReceivedAtMillis(long receivedAtMillis) {
            this.receivedAtMillis = receivedAtMillis;
            this.receivedAtSet = true;
            return this;
        }

        /** @throws NullPointerException when topic or payload is missing */
        public MqttMessage build() {
            return new MqttMessage(this);
        }
    }
}
