package io.mqttbridge.mqtt.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checkpointed state of the enumerator: how many splits the source has (0 = not yet created) and
 * which of them no reader holds. Splits held by readers are in the readers' state, so after a
 * restore or rescale nothing is created or assigned twice.
 */
@Internal
public final class MqttSourceEnumState {

    private final int totalSplits;
    private final Set<Integer> unassigned;

    public MqttSourceEnumState(int totalSplits, Set<Integer> unassigned) {
        this.totalSplits = totalSplits;
        this.unassigned = Collections.unmodifiableSet(new TreeSet<>(unassigned));
    }

    public int totalSplits() {
        return totalSplits;
    }

    public Set<Integer> unassigned() {
        return unassigned;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttSourceEnumState
                && ((MqttSourceEnumState) o).totalSplits == totalSplits
                && ((MqttSourceEnumState) o).unassigned.equals(unassigned);
    }

    @Override
    public int hashCode() {
        return 31 * totalSplits + unassigned.hashCode();
    }

    @Override
    public String toString() {
        return "MqttSourceEnumState{totalSplits=" + totalSplits + ", unassigned=" + unassigned + '}';
    }
}
