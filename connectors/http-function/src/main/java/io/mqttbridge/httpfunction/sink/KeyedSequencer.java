package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code ordering = 'sequential'}: splits each batch by ordering key and runs, per key, one
 * delivery at a time in submission order. A key's next part starts only when the previous one is
 * finished (delivered, skipped or dead-lettered after all its retries), so a key's records reach the
 * function in arrival order across retries too. Different keys proceed in parallel.
 *
 * <p>The writer submits batches in buffer order from its mailbox thread, so submission order is
 * arrival order. A lane exists only while its key has work, so state stays small with many keys.
 */
@Internal
public final class KeyedSequencer {

    private final Function<List<FunctionRecord>, CompletableFuture<Void>> delivery;
    private final Map<String, Lane> lanes = new HashMap<>();
    private Throwable failure;

    public KeyedSequencer(Function<List<FunctionRecord>, CompletableFuture<Void>> delivery) {
        this.delivery = delivery;
    }

    /** Completes when every key's part of {@code batch} is finished; fails if any part fails. */
    public CompletableFuture<Void> submit(List<FunctionRecord> batch) {
        // Lanes are keyed by the nullable key itself (HashMap and LinkedHashMap allow one null
        // key), so records without a key never share a lane with the real key "null".
        Map<String, List<FunctionRecord>> byKey = new LinkedHashMap<>();
        for (FunctionRecord r : batch) {
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>(byKey.size());
        for (Map.Entry<String, List<FunctionRecord>> part : byKey.entrySet()) {
            parts.add(enqueue(part.getKey(), part.getValue()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]));
    }

    /** Keys with work queued or in flight (for tests). */
    synchronized int activeKeys() {
        return lanes.size();
    }

    private CompletableFuture<Void> enqueue(String key, List<FunctionRecord> records) {
        Part part = new Part(records);
        boolean start;
        synchronized (this) {
            if (failure != null) {
                // A key failed with failure-handling 'fail': the job is going down; send nothing
                // more, so that no record of that key overtakes the failed ones.
                part.done.completeExceptionally(failure);
                return part.done;
            }
            Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
            // The head of a lane's queue is the part in flight: an empty queue means idle.
            start = lane.queue.isEmpty();
            lane.queue.add(part);
        }
        if (start) {
            run(key, part);
        }
        return part.done;
    }

    private void run(String key, Part part) {
        CompletableFuture<Void> sent;
        try {
            sent = delivery.apply(part.records);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, error) -> finished(key, part, error));
    }

    private void finished(String key, Part part, Throwable error) {
        Part next;
        List<Part> abandoned = List.of();
        synchronized (this) {
            Lane lane = lanes.get(key);
            lane.queue.poll();
            if (error != null) {
                failure = error;
                abandoned = new ArrayList<>(lane.queue);
                lanes.remove(key);
                next = null;
            } else {
                next = lane.queue.peek();
                if (next == null) {
                    lanes.remove(key);
                }
            }
        }
        if (error != null) {
            part.done.completeExceptionally(error);
            abandoned.forEach(p -> p.done.completeExceptionally(error));
            return;
        }
        part.done.complete(null);
        if (next != null) {
            run(key, next);
        }
    }

    private static final class Lane {
        /** Head: the part in flight; the rest wait in submission order. */
        final ArrayDeque<Part> queue = new ArrayDeque<>();
    }

    private static final class Part {
        final List<FunctionRecord> records;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Part(List<FunctionRecord> records) {
            this.records = records;
        }
    }
}
