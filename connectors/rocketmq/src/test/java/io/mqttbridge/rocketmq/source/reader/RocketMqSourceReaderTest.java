package io.mqttbridge.rocketmq.source.reader;

import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;
import io.mqttbridge.rocketmq.source.RocketMqMessageDeserializer;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.core.io.InputStatus;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RocketMqSourceReaderTest {

    private final FakeQueueClient client = new FakeQueueClient();

    private RocketMqSourceReader<String> reader() throws Exception {
        RocketMqSourceConfig config = new RocketMqSourceConfig(
                "ns:9876", "t", "g", StartupMode.EARLIEST, null, "*", Duration.ZERO, null, null, Map.of());
        return RocketMqSourceReader.create(
                config, RocketMqMessageDeserializer.body(new SimpleStringSchema()), new TestingReaderContext(), (c, role) -> client);
    }

    /** Polls until {@code count} records were emitted. */
    private static void emit(RocketMqSourceReader<String> reader, TestingReaderOutput<String> output, int count) throws Exception {
        while (output.getEmittedRecords().size() < count) {
            if (reader.pollNext(output) == InputStatus.NOTHING_AVAILABLE) {
                reader.isAvailable().get();
            }
        }
    }

    @Test
    void aSnapshotHoldsTheOffsetAfterTheLastEmittedMessageOfEachQueue() throws Exception {
        MessageQueue q0 = client.addQueue("t", "b", 0, 100);
        MessageQueue q1 = client.addQueue("t", "b", 1, 0);
        client.append(q0, "a", 1);
        client.append(q0, "b", 2);
        client.append(q1, "c", 3);
        try (RocketMqSourceReader<String> reader = reader()) {
            reader.addSplits(List.of(RocketMqQueueSplit.of(q0, 100), RocketMqQueueSplit.of(q1, 0)));
            TestingReaderOutput<String> output = new TestingReaderOutput<>();
            emit(reader, output, 3);

            assertThat(output.getEmittedRecords()).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(reader.snapshotState(1)).containsExactlyInAnyOrder(
                    RocketMqQueueSplit.of(q0, 102), RocketMqQueueSplit.of(q1, 1));
        }
    }

    @Test
    void offsetsAreCommittedOnlyWhenTheirCheckpointCompletesNewestFirstWhenOneIsSkipped() throws Exception {
        MessageQueue q0 = client.addQueue("t", "b", 0, 0);
        client.append(q0, "a", 1);
        try (RocketMqSourceReader<String> reader = reader()) {
            reader.addSplits(List.of(RocketMqQueueSplit.of(q0, 0)));
            TestingReaderOutput<String> output = new TestingReaderOutput<>();
            reader.snapshotState(1);
            emit(reader, output, 1);
            reader.snapshotState(2);
            client.append(q0, "b", 2);
            emit(reader, output, 2);
            reader.snapshotState(3);
            assertThat(client.commits).as("nothing before a checkpoint completes").isEmpty();

            reader.notifyCheckpointComplete(2); // 1 was never notified: subsumed

            assertThat(client.commits).isEqualTo(Map.of(q0, 1L));
            assertThat(reader.checkpointsAwaitingCommit()).isEqualTo(1);
            reader.notifyCheckpointComplete(3);
            assertThat(client.commits).isEqualTo(Map.of(q0, 2L));
            assertThat(reader.checkpointsAwaitingCommit()).isZero();
        }
        assertThat(client.closed).isTrue();
    }
}
