package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record on its way to the function: the bytes the table's format produced, plus the fields
 * the sink needs besides them. {@code key} orders records with {@code ordering = 'sequential'};
 * {@code topic} and {@code messageId} travel in the envelope and name a record in logs; {@code
 * originMillis} (when the data was produced, epoch ms, -1 when unknown) is where the route's
 * synchronisation-latency gauge counts from. Only the payload and the envelope fields are sent.
 */
@PublicEvolving
public final class FunctionRecord implements Serializable {

    private static final long serialVersionUID = 1L;

    @Nullable private final String key;
    @Nullable private final String topic;
    @Nullable private final String messageId;
    private final byte[] payload;
    private final long originMillis;

    /** A record whose origin time is unknown. */
    public FunctionRecord(@Nullable String key, @Nullable String topic, @Nullable String messageId, byte[] payload) {
        this(key, topic, messageId, payload, -1);
    }

    public FunctionRecord(
            @Nullable String key, @Nullable String topic, @Nullable String messageId, byte[] payload, long originMillis) {
        this.key = key;
        this.topic = topic;
        this.messageId = messageId;
        this.payload = Objects.requireNonNull(payload, "payload");
        this.originMillis = originMillis;
    }

    /** A record with only a payload and an ordering key. */
    public static FunctionRecord of(@Nullable String key, byte[] payload) {
        return new FunctionRecord(key, null, null, payload);
    }

    @Nullable
    public String key() {
        return key;
    }

    @Nullable
    public String topic() {
        return topic;
    }

    @Nullable
    public String messageId() {
        return messageId;
    }

    public byte[] payload() {
        return payload;
    }

    /** When the record's data was produced, epoch milliseconds; -1 when unknown. */
    public long originMillis() {
        return originMillis;
    }

    /** How the record is named in logs: topic and message id where known, never the payload. */
    public String describe() {
        return "topic=" + topic + " message-id=" + messageId + (key != null ? " key=" + key : "");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FunctionRecord)) {
            return false;
        }
        FunctionRecord r = (FunctionRecord) o;
        return Objects.equals(key, r.key)
                && Objects.equals(topic, r.topic)
                && Objects.equals(messageId, r.messageId)
                && originMillis == r.originMillis
                && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, topic, messageId, originMillis) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "FunctionRecord{" + describe() + ", " + payload.length + " bytes}";
    }
}
