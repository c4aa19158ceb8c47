package io.mqttbridge.mqtt.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Objects;

/**
 * One subscriber connection of the source. Immutable: the connection's progress lives at the broker
 * (the persistent session under {@link #clientId()}), so the split carries who it is and, as of its
 * last snapshot, what the session should hold: whether this client id had connected (so a broker
 * without a session for it has lost one) and how many of its messages were unacknowledged.
 */
@Internal
public final class MqttSubscriberSplit implements SourceSplit {

    private final int index;
    private final String clientId;
    private final boolean hadSession;
    private final int unacknowledged;
    private final String splitId; // read per message received: built once

    public MqttSubscriberSplit(int index, String clientId) {
        this(index, clientId, false, 0);
    }

    public MqttSubscriberSplit(int index, String clientId, boolean hadSession, int unacknowledged) {
        if (index < 0) {
            throw new IllegalArgumentException("Split index must be >= 0, got " + index);
        }
        if (unacknowledged < 0) {
            throw new IllegalArgumentException("Unacknowledged messages must be >= 0, got " + unacknowledged);
        }
        this.index = index;
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.hadSession = hadSession;
        this.unacknowledged = unacknowledged;
        this.splitId = String.valueOf(index);
    }

    /** Split {@code index} of a source with client id prefix {@code prefix}: client id {@code <prefix>-<index>}, never connected. */
    public static MqttSubscriberSplit of(String clientIdPrefix, int index) {
        return new MqttSubscriberSplit(index, clientIdPrefix + "-" + index);
    }

    /** This split as a snapshot records it. */
    public MqttSubscriberSplit withSession(boolean hadSession, int unacknowledged) {
        return hadSession == this.hadSession && unacknowledged == this.unacknowledged
                ? this
                : new MqttSubscriberSplit(index, clientId, hadSession, unacknowledged);
    }

    public int index() {
        return index;
    }

    public String clientId() {
        return clientId;
    }

    /** The client id connected before this split was snapshotted: the broker should hold its session. */
    public boolean hadSession() {
        return hadSession;
    }

    /** Messages of this split emitted but not yet acknowledged when it was snapshotted. */
    public int unacknowledged() {
        return unacknowledged;
    }

    @Override
    public String splitId() {
        return splitId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttSubscriberSplit)) {
            return false;
        }
        MqttSubscriberSplit other = (MqttSubscriberSplit) o;
        return other.index == index
                && other.clientId.equals(clientId)
                && other.hadSession == hadSession
                && other.unacknowledged == unacknowledged;
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, clientId, hadSession, unacknowledged);
    }

    @Override
    public String toString() {
        return "MqttSubscriberSplit{" + index + ", client id '" + clientId + "'"
                + (hadSession ? ", had a session" : "") + (unacknowledged > 0 ? ", " + unacknowledged + " unacknowledged" : "")
                + '}';
    }
}
