package io.mqttbridge.mqtt.source.enumerator;

import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class MqttSourceEnumeratorTest {

    private static Map<Integer, List<Integer>> assigned(TestingSplitEnumeratorContext<MqttSubscriberSplit> context) {
        Map<Integer, List<Integer>> result = new TreeMap<>();
        context.getSplitAssignments()
                .forEach((reader, state) -> result.put(
                        reader,
                        state.getAssignedSplits().stream().map(MqttSubscriberSplit::index).sorted().collect(Collectors.toList())));
        return result;
    }

    /** The splits assigned to {@code reader} so far, in the order they went out. */
    private static List<MqttSubscriberSplit> splitsOf(TestingSplitEnumeratorContext<MqttSubscriberSplit> context, int reader) {
        return context.getSplitAssignments().get(reader).getAssignedSplits();
    }

    /** An enumerator restored, through the serializer as a checkpoint holds it, at {@code parallelism} with {@code prefix} configured. */
    private static MqttSourceEnumerator restore(
            TestingSplitEnumeratorContext<MqttSubscriberSplit> context, String prefix, MqttSourceEnumState state) throws Exception {
        MqttSourceEnumStateSerializer serializer = MqttSourceEnumStateSerializer.INSTANCE;
        MqttSourceEnumState restored = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, prefix, null, restored);
        enumerator.start();
        return enumerator;
    }

    private static void register(TestingSplitEnumeratorContext<?> context, MqttSourceEnumerator enumerator, int... readers) {
        for (int reader : readers) {
            context.registerReader(reader, "localhost");
            enumerator.addReader(reader);
        }
    }

    @Test
    void createsOneSplitPerSubscriberAndAssignsSplitIToReaderIModParallelism() {
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(2);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", 5, null);
        enumerator.start();
        register(context, enumerator, 0, 1);

        assertThat(assigned(context)).isEqualTo(Map.of(0, List.of(0, 2, 4), 1, List.of(1, 3)));
        assertThat(context.getSplitAssignments().get(1).getAssignedSplits())
                .extracting(MqttSubscriberSplit::clientId)
                .containsExactlyInAnyOrder("bridge-1", "bridge-3");
        assertThat(enumerator.snapshotState(1)).isEqualTo(new MqttSourceEnumState(5, List.of()));
    }

    @Test
    void defaultsToOneSplitPerSubtask() {
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(3);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", null, null);
        enumerator.start();
        register(context, enumerator, 0, 1, 2);

        assertThat(assigned(context)).isEqualTo(Map.of(0, List.of(0), 1, List.of(1), 2, List.of(2)));
    }

    @Test
    void waitsForTheOwningReaderBeforeAssigning() {
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(2);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", 4, null);
        enumerator.start();
        register(context, enumerator, 1);

        assertThat(assigned(context)).isEqualTo(Map.of(1, List.of(1, 3)));
        assertThat(enumerator.snapshotState(1).unassignedIndices()).containsExactly(0, 2);
    }

    @Test
    void reassignsSplitsOfAFailedReaderWhenItComesBack() {
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(2);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", 4, null);
        enumerator.start();
        register(context, enumerator, 0, 1);

        // Reader 1 fails: its splits come back and wait for the restarted reader 1.
        context.registeredReaders().remove(1);
        enumerator.addSplitsBack(List.of(MqttSubscriberSplit.of("bridge", 1), MqttSubscriberSplit.of("bridge", 3)), 1);
        assertThat(enumerator.snapshotState(2).unassignedIndices()).containsExactly(1, 3);

        register(context, enumerator, 1);
        assertThat(context.getSplitAssignments().get(1).getAssignedSplits())
                .extracting(MqttSubscriberSplit::index)
                .containsExactly(1, 3, 1, 3); // first assignment, then the re-assignment
        assertThat(context.getSplitAssignments().get(0).getAssignedSplits())
                .extracting(MqttSubscriberSplit::index)
                .containsExactly(0, 2);
        assertThat(enumerator.snapshotState(3).unassignedIndices()).isEmpty();
    }

    @Test
    void restoredEnumeratorCreatesNoNewSplitsAndAssignsOnlyTheUnassignedOnesAfterRescale() {
        // Checkpoint taken with 4 splits at parallelism 2, splits 1 and 3 not held by any reader.
        MqttSourceEnumState state =
                new MqttSourceEnumState(4, List.of(MqttSubscriberSplit.of("bridge", 1), MqttSubscriberSplit.of("bridge", 3)));

        // Restored at parallelism 3: readers hold 0 and 2 in their own state; 1 and 3 go to 1 % 3 and 3 % 3.
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(3);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", null, state);
        enumerator.start();
        register(context, enumerator, 0, 1, 2);

        assertThat(assigned(context)).isEqualTo(Map.of(0, List.of(3), 1, List.of(1)));
        assertThat(enumerator.snapshotState(5)).isEqualTo(new MqttSourceEnumState(4, List.of()));
    }

    @Test
    void restoredEnumeratorWithEverythingAssignedAssignsNothing() {
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(1);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", 2, new MqttSourceEnumState(2, List.of()));
        enumerator.start();
        register(context, enumerator, 0);

        assertThat(context.getSplitAssignments()).isEmpty();
    }

    @Test
    void aReturnedSplitGoesOutAgainWithItsClientIdAndSessionState() {
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(2);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "new", 2, null);
        enumerator.start();
        register(context, enumerator, 0);

        // Split 1 as the enumerator had it from a restore of an older savepoint: another prefix, a session
        // with unacknowledged messages. Reader 1 fails before a checkpoint, so the split comes back as it was.
        MqttSubscriberSplit returned = new MqttSubscriberSplit(1, "old-1", true, 17);
        enumerator.addSplitsBack(List.of(returned), 1);
        assertThat(enumerator.snapshotState(1)).isEqualTo(new MqttSourceEnumState(2, List.of(returned)));

        register(context, enumerator, 1);
        assertThat(splitsOf(context, 1)).containsExactly(returned);
        assertThat(splitsOf(context, 1).get(0).hadSession()).isTrue();
        assertThat(splitsOf(context, 1).get(0).unacknowledged()).isEqualTo(17);
        assertThat(enumerator.snapshotState(2)).isEqualTo(new MqttSourceEnumState(2, List.of()));
    }

    @Test
    void restoredUnassignedSplitsKeepTheirClientIdsWhenAnotherPrefixIsConfigured() throws Exception {
        // Saved with the prefix 'old' (e.g. an older default): split 0 held by reader 0, split 1 waiting for its reader.
        MqttSubscriberSplit waiting = new MqttSubscriberSplit(1, "old-1", true, 3);
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(2);
        MqttSourceEnumerator enumerator = restore(context, "new", new MqttSourceEnumState(2, List.of(waiting)));
        register(context, enumerator, 0, 1);

        assertThat(assigned(context)).isEqualTo(Map.of(1, List.of(1)));
        assertThat(splitsOf(context, 1)).containsExactly(waiting);

        // After a failover it goes out again under the same client id: the session 'old-1' still holds its messages.
        context.registeredReaders().remove(1);
        enumerator.addSplitsBack(splitsOf(context, 1), 1);
        register(context, enumerator, 1);
        assertThat(splitsOf(context, 1)).containsExactly(waiting, waiting);
    }

    @Test
    void aVersion1StateRestoresItsUnassignedSplitsFromTheConfiguredPrefixAsBefore() throws Exception {
        MqttSourceEnumState version1 = MqttSourceEnumStateSerializer.INSTANCE.deserialize(1, new byte[] {
            0, 0, 0, 2, // total splits
            0, 0, 0, 1, // unassigned count
            0, 0, 0, 1 // split 1
        });
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(2);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", null, version1);
        enumerator.start();
        register(context, enumerator, 0, 1);

        assertThat(assigned(context)).isEqualTo(Map.of(1, List.of(1)));
        assertThat(splitsOf(context, 1)).containsExactly(MqttSubscriberSplit.of("bridge", 1));
        // Its next snapshot is a version-2 state with the client id written out.
        context.registeredReaders().remove(1);
        enumerator.addSplitsBack(splitsOf(context, 1), 1);
        assertThat(enumerator.snapshotState(1)).isEqualTo(new MqttSourceEnumState(2, List.of(MqttSubscriberSplit.of("bridge", 1))));
    }

    @Test
    void rescaleTwoToFourToOneKeepsTheSavedSplitsAndTheirClientIds() throws Exception {
        // Parallelism 2, prefix 'old': two splits. Reader 1 fails; its split waits in the saved state.
        TestingSplitEnumeratorContext<MqttSubscriberSplit> atTwo = new TestingSplitEnumeratorContext<>(2);
        MqttSourceEnumerator first = new MqttSourceEnumerator(atTwo, "old", null, null);
        first.start();
        register(atTwo, first, 0, 1);
        assertThat(assigned(atTwo)).isEqualTo(Map.of(0, List.of(0), 1, List.of(1)));
        MqttSubscriberSplit split1 = new MqttSubscriberSplit(1, "old-1", true, 40);
        atTwo.registeredReaders().remove(1);
        first.addSplitsBack(List.of(split1), 1);
        MqttSourceEnumState savedAtTwo = first.snapshotState(1);

        // Restored at parallelism 4 with another prefix: no new splits (4 would be the default now), split 1 to reader 1.
        TestingSplitEnumeratorContext<MqttSubscriberSplit> atFour = new TestingSplitEnumeratorContext<>(4);
        MqttSourceEnumerator second = restore(atFour, "new", savedAtTwo);
        register(atFour, second, 0, 1, 2, 3);
        assertThat(assigned(atFour)).isEqualTo(Map.of(1, List.of(1)));
        assertThat(splitsOf(atFour, 1)).containsExactly(split1);
        atFour.registeredReaders().remove(1);
        second.addSplitsBack(splitsOf(atFour, 1), 1);
        MqttSourceEnumState savedAtFour = second.snapshotState(2);
        assertThat(savedAtFour).isEqualTo(new MqttSourceEnumState(2, List.of(split1)));

        // Restored at parallelism 1 with yet another prefix: reader 0 takes split 1, still 'old-1' with its state.
        TestingSplitEnumeratorContext<MqttSubscriberSplit> atOne = new TestingSplitEnumeratorContext<>(1);
        MqttSourceEnumerator third = restore(atOne, "newer", savedAtFour);
        register(atOne, third, 0);
        assertThat(splitsOf(atOne, 0)).containsExactly(split1);
        assertThat(third.snapshotState(3)).isEqualTo(new MqttSourceEnumState(2, List.of()));
    }
}
