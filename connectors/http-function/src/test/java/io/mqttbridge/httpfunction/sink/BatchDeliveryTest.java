package io.mqttbridge.httpfunction.sink;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry backoff of a batch (doubling, capped, at least the server's Retry-After) and where its latency counts from. */
class BatchDeliveryTest {

    @Test
    void backoffDoublesUpToTheCapAndRespectsRetryAfter() {
        FunctionSinkConfig c = FunctionSinkConfigTest.config("retry-backoff", "100 ms", "retry-backoff-max", "1 s");
        assertThat(BatchDelivery.backoff(c, 1, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(BatchDelivery.backoff(c, 2, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(BatchDelivery.backoff(c, 4, null)).isEqualTo(Duration.ofMillis(800));
        assertThat(BatchDelivery.backoff(c, 5, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(BatchDelivery.backoff(c, 90, null)).isEqualTo(Duration.ofSeconds(1));
        // Retry-After is waited for when longer than the backoff, up to the cap.
        assertThat(BatchDelivery.backoff(c, 1, Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
        assertThat(BatchDelivery.backoff(c, 1, Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(1));
        assertThat(BatchDelivery.backoff(c, 4, Duration.ZERO)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void aBatchCountsFromTheOldestKnownOriginOfItsRecords() {
        byte[] p = {1};
        assertThat(BatchDelivery.oldestOrigin(List.of(
                new FunctionRecord(null, null, null, p, 5_000),
                new FunctionRecord(null, null, null, p, -1),
                new FunctionRecord(null, null, null, p, 3_000),
                new FunctionRecord(null, null, null, p, 4_000)))).isEqualTo(3_000);
        // no origin at all: the caller counts from the first attempt
        assertThat(BatchDelivery.oldestOrigin(List.of(FunctionRecord.of("k", p), FunctionRecord.of(null, p)))).isEqualTo(-1);
    }
}
