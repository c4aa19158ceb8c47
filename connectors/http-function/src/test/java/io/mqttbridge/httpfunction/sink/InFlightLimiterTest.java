package io.mqttbridge.httpfunction.sink;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightLimiterTest {

    @Test
    void startsAtMostMaxAttemptsAndTheNextWhenOneFinishes() {
        InFlightLimiter limiter = new InFlightLimiter(2);
        List<CompletableFuture<Integer>> open = new ArrayList<>();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(limiter.submit(() -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                open.add(f);
                return f;
            }));
        }
        assertThat(open).hasSize(2);
        open.get(1).complete(1);
        assertThat(results.get(1)).isCompletedWithValue(1);
        assertThat(open).hasSize(3);
        open.get(0).completeExceptionally(new RuntimeException("boom"));
        assertThat(results.get(0)).isCompletedExceptionally();
        assertThat(open).hasSize(4);
        open.get(2).complete(2);
        open.get(3).complete(3);
        assertThat(results.get(3)).isCompletedWithValue(3);
        // All slots are free again.
        limiter.submit(() -> { CompletableFuture<Integer> f = new CompletableFuture<>(); open.add(f); return f; });
        limiter.submit(() -> { CompletableFuture<Integer> f = new CompletableFuture<>(); open.add(f); return f; });
        assertThat(open).hasSize(6);
    }
}
