package io.mqttbridge.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The splits an enumerator holds but has not assigned, for sources in which every split has one
 * owning reader, computed from the split and the parallelism (MQTT subscriber splits, RocketMQ
 * queue splits). A split goes out only once its owner has registered; until then it stays here, and
 * so in the enumerator's checkpoint, rather than land on a reader that is not there. Splits are kept
 * and assigned in the order of their key; adding a split again replaces the one with its key.
 * Coordinator thread only.
 *
 * <p>Logs through the enumerator's logger, so that its log lines keep their category.
 */
@Internal
public final class PendingSplits<SplitT extends SourceSplit, K extends Comparable<K>> {

    /** The subtask that owns {@code split} at {@code parallelism}; from 0 to parallelism - 1. */
    @FunctionalInterface
    public interface Owner<SplitT> {
        int of(SplitT split, int parallelism);
    }

    private final TreeMap<K, SplitT> unassigned = new TreeMap<>();
    private final Function<SplitT, K> key;
    private final Owner<SplitT> owner;
    private final Logger log;
    private final String splitsName;

    /** @param splitsName what the log calls the splits, e.g. "MQTT subscriber splits" */
    public PendingSplits(Function<SplitT, K> key, Owner<SplitT> owner, Logger log, String splitsName) {
        this.key = key;
        this.owner = owner;
        this.log = log;
        this.splitsName = splitsName;
    }

    public void add(SplitT split) {
        unassigned.put(key.apply(split), split);
    }

    /** The splits of a reader that failed, from {@code addSplitsBack}: they go out again when their owner registers. */
    public void addBack(List<SplitT> splits, int subtaskId) {
        splits.forEach(this::add);
        log.info("Splits {} came back from subtask {}; they go out again when their reader registers", splits, subtaskId);
    }

    /** Assigns every pending split whose owner has registered, in one call to the context, and removes it from here. */
    public void assignToRegisteredOwners(SplitEnumeratorContext<SplitT> context) {
        int parallelism = context.currentParallelism();
        Map<Integer, List<SplitT>> assignment = new HashMap<>();
        for (Iterator<SplitT> it = unassigned.values().iterator(); it.hasNext(); ) {
            SplitT split = it.next();
            int reader = owner.of(split, parallelism);
            if (context.registeredReaders().containsKey(reader)) {
                assignment.computeIfAbsent(reader, k -> new ArrayList<>()).add(split);
                it.remove();
            }
        }
        if (!assignment.isEmpty()) {
            log.info("Assigning {} {}", splitsName, assignment);
            context.assignSplits(new SplitsAssignment<>(assignment));
        }
    }

    /** The pending splits in key order, for the enumerator's checkpoint. */
    public Collection<SplitT> unassigned() {
        return Collections.unmodifiableCollection(unassigned.values());
    }
}
