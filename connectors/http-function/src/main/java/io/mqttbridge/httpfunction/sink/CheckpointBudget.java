package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.httpfunction.HttpFunctionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ReadableConfig;

import java.time.Duration;
import java.util.Locale;

/**
 * A checkpoint waits for every batch in flight, retries and backoffs included. If one batch can take
 * as long as the checkpoint timeout, a hanging endpoint expires checkpoints in a loop (and restarts
 * the job when they exceed the tolerated failures) before 'skip' or 'dead-letter' ever act. So the
 * longest a batch can take must be shorter than {@code execution.checkpointing.timeout}; checked where
 * both are known: the table factory (the session's configuration) and the job graph (the
 * environment's, which includes the client's or cluster's {@code config.yaml}).
 */
@Internal
public final class CheckpointBudget {

    private CheckpointBudget() {}

    /**
     * The longest one batch can take until it is delivered, skipped or dead-lettered: every attempt
     * runs into {@code request-timeout}, with the doubling backoff (capped by {@code
     * retry-backoff-max}) before each retry. A timed-out attempt has no Retry-After, so none adds to
     * this bound.
     */
    public static Duration longestBatch(FunctionSinkConfig config) {
        Duration longest = config.requestTimeout().multipliedBy(config.retries() + 1L);
        for (int retry = 1; retry <= config.retries(); retry++) {
            longest = longest.plus(BatchDelivery.backoff(config, retry, null));
        }
        return longest;
    }

    /**
     * Checks {@code config} against the checkpointing of {@code job} (a job or session configuration);
     * nothing to check when checkpointing is off.
     *
     * @throws IllegalArgumentException naming both settings, their values and what to change
     */
    public static void check(FunctionSinkConfig config, ReadableConfig job) {
        boolean checkpointing =
                job.get(ExecutionOptions.RUNTIME_MODE) != RuntimeExecutionMode.BATCH
                        && job.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                                .map(interval -> interval.toMillis() > 0)
                                .orElse(false);
        if (!checkpointing) {
            return;
        }
        Duration timeout = job.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
        Duration longest = longestBatch(config);
        if (longest.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException(message(config, longest, timeout));
        }
    }

    @VisibleForTesting
    static String message(FunctionSinkConfig config, Duration longest, Duration timeout) {
        int attempts = config.retries() + 1;
        return "Function '" + config.name() + "': one batch can take up to " + seconds(longest) + " ('"
                + HttpFunctionOptions.REQUEST_TIMEOUT.key() + "' " + seconds(config.requestTimeout()) + " x "
                + attempts + " attempts with '" + HttpFunctionOptions.RETRIES.key() + "' " + config.retries()
                + ", plus " + seconds(longest.minus(config.requestTimeout().multipliedBy(attempts)))
                + " of backoff from '" + HttpFunctionOptions.RETRY_BACKOFF.key() + "' " + seconds(config.retryBackoff())
                + " doubling up to '" + HttpFunctionOptions.RETRY_BACKOFF_MAX.key() + "' "
                + seconds(config.retryBackoffMax()) + "), which is not shorter than '"
                + CheckpointingOptions.CHECKPOINTING_TIMEOUT.key() + "' " + seconds(timeout)
                + ". A checkpoint waits for the batches in flight, so an endpoint that hangs would expire "
                + "checkpoints in a loop before failure-handling '" + config.failureHandling() + "' acts on the batch. "
                + "Lower '" + HttpFunctionOptions.REQUEST_TIMEOUT.key() + "' or '" + HttpFunctionOptions.RETRIES.key()
                + "', or raise '" + CheckpointingOptions.CHECKPOINTING_TIMEOUT.key() + "' well above "
                + seconds(longest) + ".";
    }

    /** "41.4 s", "60 s": one unit, so that the values compare at a glance. */
    private static String seconds(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0).replaceAll("0+$", "") + " s";
    }
}
