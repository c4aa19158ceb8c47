package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.util.FlinkRuntimeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers one batch: the first attempt, then up to {@code retries} retries of retryable failures
 * after a doubling, capped backoff (at least the server's Retry-After, up to the cap), then the
 * failure policy. This is the retry limit and classification that AsyncSinkWriter lacks: its own
 * retry path ({@code retryForEntries}) has neither a limit nor an order, so the writer never uses it.
 *
 * <p>The returned future completes normally when the batch was delivered, skipped or dead-lettered,
 * and exceptionally only with {@code failure-handling = 'fail'}: the writer then fails, the
 * checkpoint in progress fails with it, and the job restarts from the last completed one.
 */
@Internal
public final class BatchDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(BatchDelivery.class);

    private final FunctionSinkConfig config;
    private final FunctionInvoker invoker;
    private final ScheduledExecutorService scheduler;
    private final FunctionSinkMetrics metrics;
    private final DeadLetterWriter deadLetters;

    public BatchDelivery(
            FunctionSinkConfig config,
            FunctionInvoker invoker,
            ScheduledExecutorService scheduler,
            FunctionSinkMetrics metrics,
            DeadLetterWriter deadLetters) {
        this.config = config;
        this.invoker = invoker;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /**
     * A batch is one request at a time (in both orderings) and keeps its AsyncSinkWriter in-flight
     * slot until the returned future completes, retries and backoffs included, so the writer's
     * max-in-flight bounds the open requests.
     */
    public CompletableFuture<Void> deliver(List<FunctionRecord> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] body = FunctionEnvelope.toJson(config.name(), config.payloadEncoding(), records);
        long origin = oldestOrigin(records);
        attempt(records, body, 1, origin >= 0 ? origin : System.currentTimeMillis(), done);
        return done;
    }

    /**
     * Where the batch's synchronisation latency counts from: the oldest origin time of its records
     * (one acknowledgement covers all of them, so the gauge shows the longest wait), -1 when none
     * has one.
     */
    @VisibleForTesting
    static long oldestOrigin(List<FunctionRecord> records) {
        long oldest = -1;
        for (FunctionRecord record : records) {
            long origin = record.originMillis();
            if (origin >= 0 && (oldest < 0 || origin < oldest)) {
                oldest = origin;
            }
        }
        return oldest;
    }

    /** {@code originMillis}: the batch's oldest origin time, else its first attempt. */
    private void attempt(List<FunctionRecord> records, byte[] body, int attempt, long originMillis, CompletableFuture<Void> done) {
        long start = System.nanoTime();
        CompletableFuture<InvocationResult> invoked;
        try {
            invoked = invoker.invoke(body, attempt);
        } catch (RuntimeException e) {
            invoked = CompletableFuture.failedFuture(e);
        }
        invoked.whenComplete(
                        (result, unexpected) -> {
                            if (unexpected != null) {
                                done.completeExceptionally(unexpected);
                                return;
                            }
                            metrics.attempt(records.size(), (System.nanoTime() - start) / 1_000_000, result.isDelivered(), originMillis);
                            if (result.isDelivered()) {
                                done.complete(null);
                            } else if (result.isRetryable() && attempt <= config.retries()) {
                                Duration delay = backoff(config, attempt, result.retryAfter());
                                LOG.debug("Function '{}': attempt {} of {} records failed ({}); retrying in {} ms",
                                        config.name(), attempt, records.size(), result.error(), delay.toMillis());
                                metrics.retry();
                                try {
                                    scheduler.schedule(() -> attempt(records, body, attempt + 1, originMillis, done),
                                            delay.toMillis(), TimeUnit.MILLISECONDS);
                                } catch (RuntimeException rejected) {
                                    // The writer is closing; the batch is not acknowledged anywhere.
                                    done.completeExceptionally(rejected);
                                }
                            } else {
                                giveUp(records, attempt, result, done);
                            }
                        });
    }

    private void giveUp(List<FunctionRecord> records, int attempts, InvocationResult result, CompletableFuture<Void> done) {
        String why = result.isRetryable() ? "retries exhausted after " + attempts + " attempts" : "not retryable";
        metrics.gaveUp(records.size());
        switch (config.failureHandling()) {
            case SKIP:
                metrics.skipped(records.size());
                for (FunctionRecord r : records) {
                    LOG.warn("Function '{}': skipped record {} ({}: {})", config.name(), r.describe(), why, result.error());
                }
                done.complete(null);
                return;
            case DEAD_LETTER:
                try {
                    org.apache.flink.core.fs.Path file = deadLetters.write(records, attempts, result);
                    metrics.deadLettered(records.size());
                    LOG.warn("Function '{}': {} records written to dead-letter file {} ({}: {})",
                            config.name(), records.size(), file, why, result.error());
                    done.complete(null);
                } catch (Exception e) {
                    done.completeExceptionally(new FlinkRuntimeException(
                            "Function '" + config.name() + "': could not write " + records.size()
                                    + " failed records to dead-letter.path " + config.deadLetterPath()
                                    + "; failing so that nothing is lost (the job restarts from its last checkpoint). "
                                    + "Invocation error: " + result.error(), e));
                }
                return;
            default:
                done.completeExceptionally(new FunctionInvocationException(
                        "Function '" + config.name() + "' could not be invoked with " + records.size() + " records ("
                                + why + "): " + result.error() + ". failure-handling = 'fail': the job restarts "
                                + "from its last checkpoint and these records are sent again; nothing is lost. Use "
                                + "failure-handling 'skip' or 'dead-letter' to go on without them.",
                        result.status()));
        }
    }

    /**
     * Delay before retry number {@code retry} (1 = first retry): retry-backoff doubled per retry,
     * at least the server's Retry-After, never more than retry-backoff-max.
     */
    @VisibleForTesting
    static Duration backoff(FunctionSinkConfig config, int retry, Duration retryAfter) {
        long base = config.retryBackoff().toMillis();
        long cap = config.retryBackoffMax().toMillis();
        int shift = retry - 1;
        long delay = shift >= 62 || base > (cap >> shift) ? cap : base << shift;
        if (retryAfter != null) {
            delay = Math.max(delay, Math.min(cap, retryAfter.toMillis()));
        }
        return Duration.ofMillis(delay);
    }
}
