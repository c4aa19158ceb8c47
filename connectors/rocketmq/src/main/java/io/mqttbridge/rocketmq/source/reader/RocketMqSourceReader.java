package io.mqttbridge.rocketmq.source.reader;

import io.mqttbridge.rocketmq.source.RocketMqMessageDeserializer;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Source reader: one fetcher thread pulls all queues of this subtask. The split state is the next
 * offset of each queue, so a checkpoint records exactly what was emitted. When a checkpoint
 * completes, its offsets are reported to the broker as the consumer group's progress: for
 * monitoring (consumer lag in RocketMQ's dashboard), never read back, and a failed report only
 * logs. Offsets wait per checkpoint id; a completion reports the newest at or below its id
 * (a notification can be skipped).
 */
@Internal
public final class RocketMqSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<MessageExt, T, RocketMqQueueSplit, RocketMqQueueSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSourceReader.class);

    private final QueueClient client;
    private final SortedMap<Long, Map<MessageQueue, Long>> offsetsToCommit = new TreeMap<>();

    private RocketMqSourceReader(
            QueueClient client, String tagFilter, RocketMqMessageDeserializer<T> deserializer, SourceReaderContext context) {
        super(
                () -> new RocketMqSplitReader(client, tagFilter, RocketMqSourceConfig.PULL_BATCH_SIZE),
                new RocketMqRecordEmitter<>(deserializer),
                context.getConfiguration(),
                context);
        this.client = client;
    }

    /** {@code deserializer} must be open already. */
    public static <T> RocketMqSourceReader<T> create(
            RocketMqSourceConfig config,
            RocketMqMessageDeserializer<T> deserializer,
            SourceReaderContext context,
            QueueClientFactory clients) throws Exception {
        QueueClient client = clients.create(config, "reader-" + context.getIndexOfSubtask());
        return new RocketMqSourceReader<>(client, config.tagFilter(), deserializer, context);
    }

    @Override
    protected void onSplitFinished(Map<String, RocketMqQueueSplitState> finishedSplitIds) {
        // Queue splits never finish.
    }

    @Override
    protected RocketMqQueueSplitState initializedState(RocketMqQueueSplit split) {
        return new RocketMqQueueSplitState(split);
    }

    @Override
    protected RocketMqQueueSplit toSplitType(String splitId, RocketMqQueueSplitState state) {
        return state.toSplit();
    }

    @Override
    public List<RocketMqQueueSplit> snapshotState(long checkpointId) {
        List<RocketMqQueueSplit> splits = super.snapshotState(checkpointId);
        Map<MessageQueue, Long> offsets = new HashMap<>();
        for (RocketMqQueueSplit split : splits) {
            offsets.put(split.queue(), split.nextOffset());
        }
        offsetsToCommit.put(checkpointId, offsets);
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        SortedMap<Long, Map<MessageQueue, Long>> completed = offsetsToCommit.headMap(checkpointId + 1);
        if (completed.isEmpty()) {
            return;
        }
        Map<MessageQueue, Long> offsets = completed.get(completed.lastKey());
        completed.clear();
        try {
            client.commit(offsets);
        } catch (Exception e) {
            // Reading never depends on it: the offsets in the checkpoint are the ones that count.
            LOG.warn("Could not report the offsets of checkpoint {} to the broker (consumer group progress, for monitoring only): {}",
                    checkpointId, e.toString());
        }
    }

    @VisibleForTesting
    int checkpointsAwaitingCommit() {
        return offsetsToCommit.size();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            client.close();
        }
    }
}
