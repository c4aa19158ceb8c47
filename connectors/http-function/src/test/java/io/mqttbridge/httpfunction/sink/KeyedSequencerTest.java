package io.mqttbridge.httpfunction.sink;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-key sequencing with deliveries the test completes by hand. */
class KeyedSequencerTest {

    private final List<List<FunctionRecord>> started = new ArrayList<>();
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private final KeyedSequencer sequencer =
            new KeyedSequencer(records -> {
                CompletableFuture<Void> f = new CompletableFuture<>();
                started.add(records);
                pending.add(f);
                return f;
            });

    private static FunctionRecord r(String key, int n) {
        return FunctionRecord.of(key, new byte[] {(byte) n});
    }

    private List<String> startedKeys() {
        return started.stream().map(b -> b.get(0).key() + b.stream().map(x -> "" + x.payload()[0]).collect(Collectors.joining())).toList();
    }

    @Test
    void oneDeliveryPerKeyAtATimeInSubmissionOrder() {
        CompletableFuture<Void> first = sequencer.submit(List.of(r("a", 1), r("b", 1), r("a", 2)));
        CompletableFuture<Void> second = sequencer.submit(List.of(r("a", 3), r("c", 1)));
        // a's first part and b's and c's start; a's second part waits.
        assertThat(startedKeys()).containsExactly("a12", "b1", "c1");
        assertThat(sequencer.activeKeys()).isEqualTo(3);

        pending.get(2).complete(null); // c done
        assertThat(second).isNotDone();
        pending.get(0).complete(null); // a's first part done: a's second starts
        assertThat(startedKeys()).containsExactly("a12", "b1", "c1", "a3");
        assertThat(first).isNotDone(); // b still out
        pending.get(1).complete(null);
        assertThat(first).isCompleted();
        pending.get(3).complete(null);
        assertThat(second).isCompleted();
        assertThat(sequencer.activeKeys()).isZero();
    }

    @Test
    void aNullKeyAndTheKeyNullAreIndependentLanes() {
        CompletableFuture<Void> batch = sequencer.submit(List.of(r(null, 1), r("null", 2), r(null, 3)));
        assertThat(startedKeys()).containsExactly("null13", "null2");
        assertThat(started.get(0)).allMatch(x -> x.key() == null);
        assertThat(started.get(1)).allMatch(x -> "null".equals(x.key()));
        assertThat(sequencer.activeKeys()).isEqualTo(2);
        pending.get(1).complete(null); // "null" done; the NULL lane is unaffected
        assertThat(sequencer.activeKeys()).isEqualTo(1);
        pending.get(0).complete(null);
        assertThat(batch).isCompleted();
        assertThat(sequencer.activeKeys()).isZero();
    }

    @Test
    void aFailedPartFailsItsBatchAndNothingBehindItIsSent() {
        CompletableFuture<Void> first = sequencer.submit(List.of(r("a", 1)));
        CompletableFuture<Void> second = sequencer.submit(List.of(r("a", 2)));
        pending.get(0).completeExceptionally(new RuntimeException("HTTP 400"));
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isCompletedExceptionally();
        assertThat(started).hasSize(1);
        assertThat(sequencer.submit(List.of(r("b", 1)))).isCompletedExceptionally();
    }
}
