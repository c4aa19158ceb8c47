package io.mqttbridge.mqtt.source.enumerator;

import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
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
        assertThat(enumerator.snapshotState(1)).isEqualTo(new MqttSourceEnumState(5, Set.of()));
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
        assertThat(enumerator.snapshotState(1).unassigned()).containsExactly(0, 2);
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
        assertThat(enumerator.snapshotState(2).unassigned()).containsExactly(1, 3);

        register(context, enumerator, 1);
        assertThat(context.getSplitAssignments().get(1).getAssignedSplits())
                .extracting(MqttSubscriberSplit::index)
                .containsExactly(1, 3, 1, 3); // first assignment, then the re-assignment
        assertThat(context.getSplitAssignments().get(0).getAssignedSplits())
                .extracting(MqttSubscriberSplit::index)
                .containsExactly(0, 2);
        assertThat(enumerator.snapshotState(3).unassigned()).isEmpty();
    }

    @Test
    void restoredEnumeratorCreatesNoNewSplitsAndAssignsOnlyTheUnassignedOnesAfterRescale() {
        // Checkpoint taken with 4 splits at parallelism 2, splits 1 and 3 not held by any reader.
        MqttSourceEnumState state = new MqttSourceEnumState(4, Set.of(1, 3));

        // Restored at parallelism 3: readers hold 0 and 2 in their own state; 1 and 3 go to 1 % 3 and 3 % 3.
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(3);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", null, state);
        enumerator.start();
        register(context, enumerator, 0, 1, 2);

        assertThat(assigned(context)).isEqualTo(Map.of(0, List.of(3), 1, List.of(1)));
        assertThat(enumerator.snapshotState(5)).isEqualTo(new MqttSourceEnumState(4, Set.of()));
    }

    @Test
    void restoredEnumeratorWithEverythingAssignedAssignsNothing() {
        TestingSplitEnumeratorContext<MqttSubscriberSplit> context = new TestingSplitEnumeratorContext<>(1);
        MqttSourceEnumerator enumerator = new MqttSourceEnumerator(context, "bridge", 2, new MqttSourceEnumState(2, Set.of()));
        enumerator.start();
        register(context, enumerator, 0);

        assertThat(context.getSplitAssignments()).isEmpty();
    }
}
