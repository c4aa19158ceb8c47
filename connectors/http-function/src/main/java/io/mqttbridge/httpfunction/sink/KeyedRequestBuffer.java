package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.Batch;
import org.apache.flink.connector.base.sink.writer.RequestBuffer;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The buffer of the writer with {@code ordering = 'sequential'} (AsyncSinkWriter's pluggable
 * {@link RequestBuffer}, FLIP-509): one queue per ordering key, in arrival order, and the set of
 * keys with a request in flight. A batch ({@link #takeBatch}) takes records of any keys that are
 * not in flight, oldest queue first, and marks their keys in flight until {@link #release}; records
 * of a key in flight wait in its queue for a later batch. So each key has at most one request in
 * flight and its records are sent in arrival order, while a batch can still hold {@code
 * max-messages} records of many keys.
 *
 * <p>Towards AsyncSinkWriter the buffer shows what a batch may take now: {@link #size}, {@link
 * #isEmpty} and {@link #totalSizeInBytes} count ready records (keys not in flight) only, so the
 * writer sends a full batch once {@code max-messages} records are ready, its max-wait timer sends
 * the ready ones, and a flush never spins on records it cannot take. {@link #getBufferedState}
 * holds every record, waiting ones included, so a checkpoint stores them all; {@link #totalRecords}
 * is what back-pressure counts.
 *
 * <p>Used from the task's mailbox thread only (AsyncSinkWriter's contract for buffers and batch
 * creators); the writer releases keys there as well.
 */
@Internal
public final class KeyedRequestBuffer implements RequestBuffer<FunctionRecord> {

    /** Queues by key (null is a key of its own), in the order they were opened: oldest first. */
    private final LinkedHashMap<String, Queue> queues = new LinkedHashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private final LongSupplier clock;
    private int total;
    private int ready;
    private long readyBytes;

    public KeyedRequestBuffer(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void add(RequestEntryWrapper<FunctionRecord> entry, boolean insertAtHead) {
        String key = entry.getRequestEntry().key();
        Queue queue = queues.get(key);
        if (queue == null) {
            queue = new Queue(clock.getAsLong());
            queues.put(key, queue);
        }
        // At the head: AsyncSinkWriter re-queues a timed-out batch (newest first), ahead of
        // the key's later records, so the key's order holds.
        if (insertAtHead) {
            queue.entries.addFirst(entry);
        } else {
            queue.entries.addLast(entry);
        }
        queue.bytes += entry.getSize();
        total++;
        if (!inFlight.contains(key)) {
            ready++;
            readyBytes += entry.getSize();
        }
    }

    /**
     * Up to {@code max} ready records, oldest queue first, a key's records in order; their keys
     * are in flight from now until {@link #release}.
     */
    public Batch<FunctionRecord> takeBatch(int max) {
        List<FunctionRecord> batch = new ArrayList<>(Math.min(max, ready));
        long bytes = 0;
        Iterator<Map.Entry<String, Queue>> it = queues.entrySet().iterator();
        while (batch.size() < max && ready > 0 && it.hasNext()) {
            Map.Entry<String, Queue> e = it.next();
            if (inFlight.contains(e.getKey())) {
                continue;
            }
            Queue queue = e.getValue();
            while (batch.size() < max && !queue.entries.isEmpty()) {
                RequestEntryWrapper<FunctionRecord> entry = queue.entries.pollFirst();
                batch.add(entry.getRequestEntry());
                bytes += entry.getSize();
                queue.bytes -= entry.getSize();
                total--;
                ready--;
                readyBytes -= entry.getSize();
            }
            inFlight.add(e.getKey());
            if (queue.entries.isEmpty()) {
                it.remove();
            } else {
                // The batch is full; the rest of this key waits until the batch is finished.
                ready -= queue.entries.size();
                readyBytes -= queue.bytes;
            }
        }
        return new Batch<>(batch, bytes);
    }

    /** The keys of a finished batch are free again: their waiting records become ready. */
    public void release(List<FunctionRecord> batch) {
        long now = clock.getAsLong();
        for (FunctionRecord record : batch) {
            if (inFlight.remove(record.key())) {
                Queue queue = queues.get(record.key());
                if (queue != null) {
                    ready += queue.entries.size();
                    readyBytes += queue.bytes;
                    queue.readySince = now;
                }
            }
        }
    }

    /** Whether a ready record has waited since {@code time} or longer (for the max-wait timer). */
    public boolean hasReadySince(long time) {
        if (ready == 0) {
            return false;
        }
        for (Map.Entry<String, Queue> e : queues.entrySet()) {
            if (e.getValue().readySince <= time && !inFlight.contains(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** Every buffered record, waiting ones included. */
    public int totalRecords() {
        return total;
    }

    public boolean hasKeysInFlight() {
        return !inFlight.isEmpty();
    }

    /** Ready records: the most the next batch can take. */
    @Override
    public int size() {
        return ready;
    }

    @Override
    public boolean isEmpty() {
        return ready == 0;
    }

    @Override
    public long totalSizeInBytes() {
        return readyBytes;
    }

    /** The oldest ready record; AsyncSinkWriter itself only reads through the batch creator. */
    @Override
    public RequestEntryWrapper<FunctionRecord> peek() {
        for (Map.Entry<String, Queue> e : queues.entrySet()) {
            if (!inFlight.contains(e.getKey())) {
                return e.getValue().entries.peekFirst();
            }
        }
        return null;
    }

    /**
     * The oldest ready record, taken as a batch of one: its key is in flight until {@link #release}, as
     * for {@link #takeBatch} (the writer forms batches with takeBatch; this keeps the buffer's contract).
     */
    @Override
    public RequestEntryWrapper<FunctionRecord> poll() {
        RequestEntryWrapper<FunctionRecord> oldest = peek();
        if (oldest != null) {
            takeBatch(1);
        }
        return oldest;
    }

    /** All records, each key's in order: what a checkpoint stores. */
    @Override
    public Collection<RequestEntryWrapper<FunctionRecord>> getBufferedState() {
        List<RequestEntryWrapper<FunctionRecord>> all = new ArrayList<>(total);
        queues.values().forEach(q -> all.addAll(q.entries));
        return all;
    }

    private static final class Queue {
        final ArrayDeque<RequestEntryWrapper<FunctionRecord>> entries = new ArrayDeque<>();
        long bytes;
        /** When its records last became sendable: opened while the key was free, or released. */
        long readySince;

        Queue(long readySince) {
            this.readySince = readySince;
        }
    }
}
