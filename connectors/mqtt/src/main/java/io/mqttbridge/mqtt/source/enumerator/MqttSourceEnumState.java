package io.mqttbridge.mqtt.source.enumerator;

import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checkpointed state of the enumerator: how many splits the source has (0 = not yet created) and
 * the splits no reader holds, as they are (client id and session state), so that a restore with
 * another client id prefix configured still resumes their sessions. Splits held by readers are in
 * the readers' state, so after a restore or rescale nothing is created or assigned twice.
 *
 * <p>A state read from version 1 of the serializer knows only the indices of its unassigned splits;
 * {@link #unassignedSplits(String)} rebuilds those from the configured prefix, as version 1 did.
 */
@Internal
public final class MqttSourceEnumState {

    private final int totalSplits;
    private final SortedMap<Integer, MqttSubscriberSplit> unassigned;
    private final Set<Integer> version1Unassigned;

    public MqttSourceEnumState(int totalSplits, Collection<MqttSubscriberSplit> unassigned) {
        this(totalSplits, byIndex(unassigned), Set.of());
    }

    private MqttSourceEnumState(int totalSplits, SortedMap<Integer, MqttSubscriberSplit> unassigned, Set<Integer> version1Unassigned) {
        this.totalSplits = totalSplits;
        this.unassigned = Collections.unmodifiableSortedMap(unassigned);
        this.version1Unassigned = Collections.unmodifiableSet(new TreeSet<>(version1Unassigned));
    }

    /** A state as version 1 stored it: unassigned splits by index only. */
    public static MqttSourceEnumState ofVersion1(int totalSplits, Set<Integer> unassignedIndices) {
        return new MqttSourceEnumState(totalSplits, new TreeMap<>(), unassignedIndices);
    }

    private static SortedMap<Integer, MqttSubscriberSplit> byIndex(Collection<MqttSubscriberSplit> splits) {
        SortedMap<Integer, MqttSubscriberSplit> result = new TreeMap<>();
        for (MqttSubscriberSplit split : splits) {
            if (result.put(split.index(), split) != null) {
                throw new IllegalArgumentException("Two unassigned splits with index " + split.index() + ": " + splits);
            }
        }
        return result;
    }

    public int totalSplits() {
        return totalSplits;
    }

    /** The indices of the unassigned splits, ascending. */
    public Set<Integer> unassignedIndices() {
        Set<Integer> result = new TreeSet<>(unassigned.keySet());
        result.addAll(version1Unassigned);
        return result;
    }

    /** The unassigned splits by index ascending, as stored (a version-1 state has none: see {@link #isVersion1()}). */
    public List<MqttSubscriberSplit> unassignedSplits() {
        return new ArrayList<>(unassigned.values());
    }

    /**
     * The unassigned splits by index ascending; those of a version-1 state are rebuilt as split
     * {@code index} of {@code clientIdPrefix} (version 1 did not store client ids).
     */
    public List<MqttSubscriberSplit> unassignedSplits(String clientIdPrefix) {
        SortedMap<Integer, MqttSubscriberSplit> result = new TreeMap<>(unassigned);
        for (int index : version1Unassigned) {
            result.put(index, MqttSubscriberSplit.of(clientIdPrefix, index));
        }
        return new ArrayList<>(result.values());
    }

    /** Whether this state came from version 1 with unassigned splits, whose client ids it does not know. */
    public boolean isVersion1() {
        return !version1Unassigned.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttSourceEnumState
                && ((MqttSourceEnumState) o).totalSplits == totalSplits
                && ((MqttSourceEnumState) o).unassigned.equals(unassigned)
                && ((MqttSourceEnumState) o).version1Unassigned.equals(version1Unassigned);
    }

    @Override
    public int hashCode() {
        return (31 * totalSplits + unassigned.hashCode()) * 31 + version1Unassigned.hashCode();
    }

    @Override
    public String toString() {
        return "MqttSourceEnumState{totalSplits=" + totalSplits + ", unassigned=" + unassigned.values()
                + (version1Unassigned.isEmpty() ? "" : ", unassigned by index (version 1)=" + version1Unassigned) + '}';
    }
}
