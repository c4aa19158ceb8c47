package io.mqttbridge.mqtt.source.reader;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.apache.flink.util.Preconditions.checkState;

/**
 * Ack-on-checkpoint bookkeeping. Not thread-safe: all calls come from the source's task thread.
 *
 * <p>{@link #add} collects what was emitted since the last snapshot; {@link #snapshot} files it under
 * the checkpoint id; {@link #completed} hands back everything filed under ids {@code <=} the
 * completed one, in arrival order. A checkpoint whose notification never comes (the subsuming
 * contract) is released by the next completed one. Each ack is filed with its split, so that a
 * snapshot can record how many messages of each split were still unacknowledged.
 */
@Internal
public final class PendingAcks<A> {

    private List<Filed<A>> sinceLastSnapshot = new ArrayList<>();
    private final SortedMap<Long, List<Filed<A>>> byCheckpoint = new TreeMap<>();
    private final Map<String, Count> bySplit = new HashMap<>(); // mutable counts: no boxing per message
    private volatile int size; // written by the task thread only; read by the metrics gauge

    public void add(String splitId, A ack) {
        sinceLastSnapshot.add(new Filed<>(splitId, ack));
        bySplit.computeIfAbsent(splitId, split -> new Count()).value++;
        size++;
    }

    public void snapshot(long checkpointId) {
        if (sinceLastSnapshot.isEmpty()) {
            return;
        }
        // Flink never snapshots one checkpoint id twice.
        checkState(!byCheckpoint.containsKey(checkpointId), "checkpoint %s snapshotted twice", checkpointId);
        byCheckpoint.put(checkpointId, sinceLastSnapshot);
        sinceLastSnapshot = new ArrayList<>();
    }

    /** Removes and returns, oldest first, every ack filed under a checkpoint id {@code <= checkpointId}. */
    public List<A> completed(long checkpointId) {
        List<A> result = new ArrayList<>();
        Iterator<Map.Entry<Long, List<Filed<A>>>> it = byCheckpoint.headMap(checkpointId + 1).entrySet().iterator();
        // a split's acks come in runs: one map update per run, not per ack (a checkpoint holds thousands)
        String split = null;
        int run = 0;
        while (it.hasNext()) {
            for (Filed<A> filed : it.next().getValue()) {
                result.add(filed.ack);
                if (!filed.splitId.equals(split)) {
                    release(split, run);
                    split = filed.splitId;
                    run = 0;
                }
                run++;
            }
            it.remove();
        }
        release(split, run);
        size -= result.size();
        return result;
    }

    private void release(@Nullable String splitId, int acks) {
        if (splitId != null) {
            Count count = bySplit.get(splitId); // every filed ack was counted by add
            count.value -= acks;
            if (count.value == 0) {
                bySplit.remove(splitId);
            }
        }
    }

    /** Acks not yet released, whether filed under a checkpoint or not. */
    public int size() {
        return size;
    }

    /** Acks of {@code splitId} not yet released. */
    public int size(String splitId) {
        Count count = bySplit.get(splitId);
        return count == null ? 0 : count.value;
    }

    private static final class Count {
        int value;
    }

    private static final class Filed<A> {
        final String splitId;
        final A ack;

        Filed(String splitId, A ack) {
            this.splitId = splitId;
            this.ack = ack;
        }
    }
}
