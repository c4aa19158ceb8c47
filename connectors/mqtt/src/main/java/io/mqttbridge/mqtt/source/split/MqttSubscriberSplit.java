package io.mqttbridge.mqtt.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Objects;

/**
 * One subscriber connection of the source. Immutable: the connection's progress lives at the broker
 * (the persistent session under {@link #clientId()}), so the split carries only who it is.
 */
@Internal
public final class MqttSubscriberSplit implements SourceSplit {

    private final int index;
    private final String clientId;

    public MqttSubscriberSplit(int index, String clientId) {
        if (index < 0) {
            throw new IllegalArgumentException("Split index must be >= 0, got " + index);
        }
        this.index = index;
        this.clientId = Objects.requireNonNull(clientId, "clientId");
    }

    /** Split {@code index} of a source with client id prefix {@code prefix}: client id {@code <prefix>-<index>}. */
    public static MqttSubscriberSplit of(String clientIdPrefix, int index) {
        return new MqttSubscriberSplit(index, clientIdPrefix + "-" + index);
    }

    public int index() {
        return index;
    }

    public String clientId() {
        return clientId;
    }

    @Override
    public String splitId() {
        return String.valueOf(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttSubscriberSplit
                && ((MqttSubscriberSplit) o).index == index
                && ((MqttSubscriberSplit) o).clientId.equals(clientId);
    }

    @Override
    public int hashCode() {
        return 31 * index + clientId.hashCode();
    }

    @Override
    public String toString() {
        return "MqttSubscriberSplit{" + index + ", client id '" + clientId + "'}";
    }
}
