package io.mqttbridge.connector.source;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PendingSplitsTest {

    private static final class Split implements SourceSplit {
        final int index;
        final String state;

        Split(int index, String state) {
            this.index = index;
            this.state = state;
        }

        @Override
        public String splitId() {
            return "split-" + index;
        }

        @Override
        public String toString() {
            return splitId() + "/" + state;
        }
    }

    private static PendingSplits<Split, Integer> pending(int... indices) {
        PendingSplits<Split, Integer> pending = new PendingSplits<>(
                s -> s.index, (split, parallelism) -> split.index % parallelism, LoggerFactory.getLogger(PendingSplitsTest.class), "test splits");
        for (int i : indices) {
            pending.add(new Split(i, "new"));
        }
        return pending;
    }

    /** The indices of the splits assigned to {@code reader} so far, in the order assigned. */
    private static List<Integer> assigned(TestingSplitEnumeratorContext<Split> context, int reader) {
        return context.getSplitAssignments().get(reader).getAssignedSplits().stream().map(s -> s.index).toList();
    }

    @Test
    void assignsOnlyToRegisteredOwnersAndKeepsTheRestPending() {
        TestingSplitEnumeratorContext<Split> context = new TestingSplitEnumeratorContext<>(2);
        context.registerReader(1, "localhost");
        PendingSplits<Split, Integer> pending = pending(3, 0, 1, 2);

        pending.assignToRegisteredOwners(context);

        assertThat(context.getSplitAssignments()).containsOnlyKeys(1);
        assertThat(assigned(context, 1)).containsExactly(1, 3); // key order, not the order added
        assertThat(pending.unassigned()).extracting(s -> s.index).containsExactly(0, 2);
    }

    @Test
    void aSplitWaitingForItsOwnerGoesOutWhenTheOwnerRegisters() {
        TestingSplitEnumeratorContext<Split> context = new TestingSplitEnumeratorContext<>(2);
        PendingSplits<Split, Integer> pending = pending(0, 2);
        pending.assignToRegisteredOwners(context);
        assertThat(context.getSplitAssignments()).isEmpty();

        context.registerReader(0, "localhost");
        pending.assignToRegisteredOwners(context);

        assertThat(assigned(context, 0)).containsExactly(0, 2);
        assertThat(pending.unassigned()).isEmpty();
    }

    @Test
    void theOwnerIsAskedWithTheCurrentParallelism() {
        TestingSplitEnumeratorContext<Split> context = new TestingSplitEnumeratorContext<>(3);
        context.registerReader(0, "localhost");
        context.registerReader(1, "localhost");
        context.registerReader(2, "localhost");

        pending(4, 5).assignToRegisteredOwners(context);

        assertThat(context.getSplitAssignments()).containsOnlyKeys(1, 2);
    }

    @Test
    void aSplitThatComesBackReplacesThePendingOneWithItsKeyAndGoesOutAgain() {
        TestingSplitEnumeratorContext<Split> context = new TestingSplitEnumeratorContext<>(1);
        PendingSplits<Split, Integer> pending = pending(0);

        pending.addBack(List.of(new Split(0, "came back")), 0);

        assertThat(pending.unassigned()).extracting(s -> s.state).containsExactly("came back");
        context.registerReader(0, "localhost");
        pending.assignToRegisteredOwners(context);
        assertThat(context.getSplitAssignments().get(0).getAssignedSplits()).extracting(s -> s.state).containsExactly("came back");
    }
}
