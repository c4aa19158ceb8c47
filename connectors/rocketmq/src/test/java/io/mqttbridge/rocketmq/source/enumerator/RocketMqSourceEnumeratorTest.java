package io.mqttbridge.rocketmq.source.enumerator;

import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;
import io.mqttbridge.rocketmq.source.reader.FakeQueueClient;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;

import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocketMqSourceEnumeratorTest {

    private final FakeQueueClient client = new FakeQueueClient();

    private static RocketMqSourceConfig config(StartupMode mode, @Nullable Long timestamp) {
        return new RocketMqSourceConfig("127.0.0.1:9876", "t", "g", mode, timestamp, "*", Duration.ofSeconds(10), null, null, Map.of());
    }

    private RocketMqSourceEnumerator start(
            TestingSplitEnumeratorContext<RocketMqQueueSplit> context, RocketMqSourceConfig config, @Nullable RocketMqEnumState state)
            throws Exception {
        if (state != null) {
            RocketMqEnumStateSerializer serializer = RocketMqEnumStateSerializer.INSTANCE;
            state = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        }
        RocketMqSourceEnumerator enumerator = new RocketMqSourceEnumerator(context, config, (c, role) -> client, state);
        enumerator.start();
        for (int reader = 0; reader < context.currentParallelism(); reader++) {
            context.registerReader(reader, "localhost");
            enumerator.addReader(reader);
        }
        context.triggerAllActions();
        return enumerator;
    }

    private static List<RocketMqQueueSplit> assigned(TestingSplitEnumeratorContext<RocketMqQueueSplit> context) {
        List<RocketMqQueueSplit> all = new ArrayList<>();
        context.getSplitAssignments().values().forEach(s -> all.addAll(s.getAssignedSplits()));
        return all;
    }

    /** Four queues of one broker, offsets 10.. with three messages each stored at 1000, 2000, 3000. */
    private List<MessageQueue> fourQueues() {
        List<MessageQueue> queues = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MessageQueue queue = client.addQueue("t", "b", i, 10);
            client.append(queue, "a", 1000);
            client.append(queue, "b", 2000);
            client.append(queue, "c", 3000);
            queues.add(queue);
        }
        return queues;
    }

    @Test
    void startupModesResolveEachQueuesFirstOffset() throws Exception {
        List<MessageQueue> queues = fourQueues();
        client.committed.put(queues.get(0), 12L);
        client.committed.put(queues.get(1), 3L); // below what the broker keeps
        Map<StartupMode, Long> expectedForQueue0 = Map.of(
                StartupMode.EARLIEST, 10L, StartupMode.LATEST, 13L, StartupMode.TIMESTAMP, 11L, StartupMode.GROUP_OFFSETS, 12L);
        for (Map.Entry<StartupMode, Long> e : expectedForQueue0.entrySet()) {
            TestingSplitEnumeratorContext<RocketMqQueueSplit> context = new TestingSplitEnumeratorContext<>(2);
            start(context, config(e.getKey(), e.getKey() == StartupMode.TIMESTAMP ? 1500L : null), null);
            assertThat(assigned(context)).as(e.getKey().toString()).hasSize(4)
                    .filteredOn(s -> s.queueId() == 0).extracting(RocketMqQueueSplit::nextOffset).containsExactly(e.getValue());
            if (e.getKey() == StartupMode.GROUP_OFFSETS) {
                // committed below the minimum: the minimum; no committed offset: the earliest
                assertThat(assigned(context)).filteredOn(s -> s.queueId() > 0)
                        .extracting(RocketMqQueueSplit::nextOffset).containsOnly(10L);
            }
        }
    }

    @Test
    void spreadsTheQueuesOfABrokerOverAllReaders() throws Exception {
        fourQueues();
        TestingSplitEnumeratorContext<RocketMqQueueSplit> context = new TestingSplitEnumeratorContext<>(4);
        start(context, config(StartupMode.EARLIEST, null), null);
        assertThat(context.getSplitAssignments()).hasSize(4);
        context.getSplitAssignments().values().forEach(s -> assertThat(s.getAssignedSplits()).hasSize(1));
    }

    @Test
    void aQueueFoundLaterStartsAtItsEarliestOffsetWhateverTheStartupMode() throws Exception {
        fourQueues();
        TestingSplitEnumeratorContext<RocketMqQueueSplit> context = new TestingSplitEnumeratorContext<>(2);
        start(context, config(StartupMode.LATEST, null), null);
        MessageQueue added = client.addQueue("t", "b", 4, 0);
        client.append(added, "first", 5000);

        context.getExecutorService().triggerPeriodicScheduledTasks();
        context.triggerAllActions();

        assertThat(assigned(context)).hasSize(5)
                .filteredOn(s -> s.queueId() == 4).extracting(RocketMqQueueSplit::nextOffset).containsExactly(0L);
    }

    @Test
    void afterARestoreOnlyUnknownQueuesAreNewAndUnassignedSplitsKeepTheirOffsets() throws Exception {
        List<MessageQueue> queues = fourQueues();
        RocketMqQueueSplit pending = RocketMqQueueSplit.of(queues.get(0), 12);
        List<String> known = new ArrayList<>();
        queues.forEach(q -> known.add(RocketMqQueueSplit.splitId(q)));
        client.addQueue("t", "b", 4, 7);

        TestingSplitEnumeratorContext<RocketMqQueueSplit> context = new TestingSplitEnumeratorContext<>(2);
        RocketMqSourceEnumerator enumerator = start(context, config(StartupMode.LATEST, null), new RocketMqEnumState(true, known, List.of(pending)));

        assertThat(assigned(context)).containsExactlyInAnyOrder(pending, new RocketMqQueueSplit("t", "b", 4, 7));
        assertThat(enumerator.snapshotState(1).discoveredSplitIds()).hasSize(5);
        assertThat(enumerator.snapshotState(1).unassigned()).isEmpty();
    }

    @Test
    void aSplitThatComesBackGoesOutAgainWithItsOffset() throws Exception {
        fourQueues();
        TestingSplitEnumeratorContext<RocketMqQueueSplit> context = new TestingSplitEnumeratorContext<>(1);
        RocketMqSourceEnumerator enumerator = start(context, config(StartupMode.EARLIEST, null), null);
        RocketMqQueueSplit back = new RocketMqQueueSplit("t", "b", 2, 12);

        enumerator.addSplitsBack(List.of(back), 0);

        assertThat(context.getSplitAssignments().get(0).getAssignedSplits()).hasSize(5).last().isEqualTo(back);
    }

    @Test
    void aTopicThatCannotBeDiscoveredFailsWithTheTopicAndNameServerNamed() throws Exception {
        TestingSplitEnumeratorContext<RocketMqQueueSplit> context = new TestingSplitEnumeratorContext<>(1);
        FakeQueueClient missing = new FakeQueueClient() {
            @Override
            public java.util.Set<MessageQueue> queues(String topic) {
                throw new IllegalStateException("No route info of this topic: " + topic);
            }
        };
        RocketMqSourceEnumerator enumerator = new RocketMqSourceEnumerator(context, config(StartupMode.EARLIEST, null), (c, r) -> missing, null);
        enumerator.start();
        assertThatThrownBy(context::triggerAllActions)
                .hasStackTraceContaining("Could not discover the message queues of topic 't' at name server 127.0.0.1:9876");
    }
}
