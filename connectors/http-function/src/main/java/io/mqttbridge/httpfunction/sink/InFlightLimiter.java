package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * At most {@code max-in-flight} HTTP attempts open at once per subtask, without blocking a thread:
 * attempts beyond the limit wait in FIFO order and start when one finishes. AsyncSinkWriter limits
 * batches; with {@code ordering = 'sequential'} a batch becomes one request per key, so this is what
 * holds the number of open requests to {@code max-in-flight}. Backoff delays hold no slot.
 */
@Internal
final class InFlightLimiter {

    private final int max;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    InFlightLimiter(int max) {
        this.max = max;
    }

    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start =
                () -> {
                    CompletableFuture<T> started;
                    try {
                        started = attempt.get();
                    } catch (RuntimeException e) {
                        started = CompletableFuture.failedFuture(e);
                    }
                    started.whenComplete(
                            (value, error) -> {
                                release();
                                if (error != null) {
                                    result.completeExceptionally(error);
                                } else {
                                    result.complete(value);
                                }
                            });
                };
        synchronized (this) {
            if (running >= max) {
                waiting.add(start);
                return result;
            }
            running++;
        }
        start.run();
        return result;
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        // The slot passes straight to the next waiting attempt.
        if (next != null) {
            next.run();
        }
    }
}
