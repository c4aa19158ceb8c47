package io.mqttbridge.httpfunction.sink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.mqttbridge.httpfunction.sink.FunctionSinkConfigTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The longest a batch can take, and its check against the checkpoint timeout (issue 9, item 7). */
class CheckpointBudgetTest {

    /** The options of the sink before issue 9: one hanging batch took about 121 s. */
    private static final String[] OLD_DEFAULTS = {"request-timeout", "30 s", "retries", "3", "retry-backoff-max", "10 s"};

    private static Configuration job(String interval, String timeout) {
        Configuration job = new Configuration();
        if (interval != null) {
            job.setString("execution.checkpointing.interval", interval);
        }
        if (timeout != null) {
            job.setString("execution.checkpointing.timeout", timeout);
        }
        return job;
    }

    @Test
    void longestBatchIsEveryAttemptTimingOutPlusTheCappedBackoffs() {
        // 4 attempts of 10 s; backoffs 200 + 400 + 800 ms
        assertThat(CheckpointBudget.longestBatch(config())).isEqualTo(Duration.ofMillis(41_400));
        assertThat(CheckpointBudget.longestBatch(config(OLD_DEFAULTS))).isEqualTo(Duration.ofMillis(121_400));
        // 6 attempts of 1 s; backoffs 1 + 2 + 3 + 3 + 3 s (capped)
        assertThat(CheckpointBudget.longestBatch(
                        config("request-timeout", "1 s", "retries", "5", "retry-backoff", "1 s", "retry-backoff-max", "3 s")))
                .isEqualTo(Duration.ofSeconds(18));
        assertThat(CheckpointBudget.longestBatch(config("request-timeout", "2 s", "retries", "0"))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void batchThatCannotFinishWithinTheCheckpointTimeoutIsRejectedNamingBothSettings() {
        assertThatThrownBy(() -> CheckpointBudget.check(config(OLD_DEFAULTS), job("500 ms", "1 min")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Function 'fn': one batch can take up to 121.4 s ('request-timeout' 30 s x 4 attempts with "
                        + "'retries' 3, plus 1.4 s of backoff from 'retry-backoff' 0.2 s doubling up to 'retry-backoff-max' "
                        + "10 s), which is not shorter than 'execution.checkpointing.timeout' 60 s. A checkpoint waits for "
                        + "the batches in flight, so an endpoint that hangs would expire checkpoints in a loop before "
                        + "failure-handling 'fail' acts on the batch. Lower 'request-timeout' or 'retries', or raise "
                        + "'execution.checkpointing.timeout' well above 121.4 s.");
        // Equal is not enough: the checkpoint expires as the last attempt times out.
        assertThatThrownBy(() -> CheckpointBudget.check(
                        config("request-timeout", "10 s", "retries", "0", "failure-handling", "skip"), job("1 s", "10 s")))
                .hasMessageContaining("failure-handling 'skip'");
    }

    @Test
    void batchThatFitsOrAJobWithoutCheckpointingPasses() {
        assertThatCode(() -> CheckpointBudget.check(config(OLD_DEFAULTS), job("500 ms", "3 min"))).doesNotThrowAnyException();
        // Flink's default checkpoint timeout (10 min) when only the interval is set
        assertThatCode(() -> CheckpointBudget.check(config(OLD_DEFAULTS), job("500 ms", null))).doesNotThrowAnyException();
        // no checkpoint ever waits for the sink
        assertThatCode(() -> CheckpointBudget.check(config(OLD_DEFAULTS), job(null, "1 s"))).doesNotThrowAnyException();
        Configuration batch = job("500 ms", "1 s");
        batch.setString("execution.runtime-mode", "BATCH");
        assertThatCode(() -> CheckpointBudget.check(config(OLD_DEFAULTS), batch)).doesNotThrowAnyException();
    }

    @Test
    void defaultsFitTheShippedCheckpointTimeoutEvenWhenEveryRetryWaitsForTheLongestRetryAfter() throws Exception {
        Duration timeout = shippedCheckpointTimeout();
        FunctionSinkConfig defaults = config();
        assertThatCode(() -> CheckpointBudget.check(defaults, job("500 ms", timeout.toMillis() + " ms"))).doesNotThrowAnyException();
        // A function that answers 429 with a long Retry-After just before request-timeout: every wait
        // is retry-backoff-max. Even that fits.
        Duration worstWithRetryAfter = defaults.requestTimeout().multipliedBy(defaults.retries() + 1L)
                .plus(defaults.retryBackoffMax().multipliedBy(defaults.retries()));
        assertThat(worstWithRetryAfter).isLessThan(timeout);
    }

    /** execution.checkpointing.timeout of the repository's checkpoints-config/config.yaml. */
    private static Duration shippedCheckpointTimeout() throws Exception {
        Path file = Path.of("").toAbsolutePath().getParent().getParent().resolve("checkpoints-config/config.yaml");
        String key = "execution.checkpointing.timeout:";
        String value = Files.readAllLines(file).stream()
                .map(String::strip)
                .filter(line -> line.startsWith(key))
                .map(line -> line.substring(key.length()).strip())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in " + file));
        return TimeUtils.parseDuration(value);
    }
}
