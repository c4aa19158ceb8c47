package io.mqttbridge.rocketmq.source.enumerator;

import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The enumerator's checkpoint: whether the first discovery (the one that applies the startup mode)
 * is done, the ids of every queue found so far (so that a queue found after a restore is known to be
 * new), and the splits not assigned to a reader at the time, with their offsets.
 */
@Internal
public final class RocketMqEnumState {

    private final boolean initialDiscoveryDone;
    private final Set<String> discoveredSplitIds;
    private final List<RocketMqQueueSplit> unassigned;

    public RocketMqEnumState(boolean initialDiscoveryDone, Collection<String> discoveredSplitIds, Collection<RocketMqQueueSplit> unassigned) {
        this.initialDiscoveryDone = initialDiscoveryDone;
        this.discoveredSplitIds = new TreeSet<>(discoveredSplitIds);
        this.unassigned = new ArrayList<>(unassigned);
    }

    public boolean initialDiscoveryDone() {
        return initialDiscoveryDone;
    }

    public Set<String> discoveredSplitIds() {
        return discoveredSplitIds;
    }

    public List<RocketMqQueueSplit> unassigned() {
        return unassigned;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RocketMqEnumState)) {
            return false;
        }
        RocketMqEnumState that = (RocketMqEnumState) o;
        return initialDiscoveryDone == that.initialDiscoveryDone
                && discoveredSplitIds.equals(that.discoveredSplitIds)
                && unassigned.equals(that.unassigned);
    }

    @Override
    public int hashCode() {
        return discoveredSplitIds.hashCode();
    }

    @Override
    public String toString() {
        return "RocketMqEnumState{initialDiscoveryDone=" + initialDiscoveryDone + ", discovered=" + discoveredSplitIds
                + ", unassigned=" + unassigned + "}";
    }
}
