package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SourceReaderBase;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Source reader: one fetcher thread runs all subscriber connections of this subtask. Acknowledges
 * a QoS 1/2 message only after the checkpoint that covers it completes: the emitter files each
 * emitted message's ack, {@link #snapshotState} closes the batch under the checkpoint id and
 * {@link #notifyCheckpointComplete} sends every batch up to that id, oldest first, paced by an
 * {@link AckSender}. Messages fetched but not yet emitted at a snapshot belong to the next one.
 */
@Internal
public final class MqttSourceReader<T>
        extends SourceReaderBase<MqttReceivedMessage, T, MqttSubscriberSplit, MqttSubscriberSplit> {

    private final PendingAcks<MqttReceivedMessage.Ack> pendingAcks;
    private final AckSender ackSender;
    /** Ids of the splits whose connection got a CONNACK in this reader; filled by the connections. */
    private final Set<String> connectedSplits;

    /** {@code deserializer} must be open already. */
    public MqttSourceReader(MqttSourceConfig config, MqttMessageDeserializer<T> deserializer, SourceReaderContext context) {
        this(config, deserializer, context, SubscriberClientFactory.HIVEMQ,
                AckSender.start("mqtt-source-acks-" + context.getIndexOfSubtask()));
    }

    @VisibleForTesting
    MqttSourceReader(
            MqttSourceConfig config,
            MqttMessageDeserializer<T> deserializer,
            SourceReaderContext context,
            SubscriberClientFactory clients,
            AckSender ackSender) {
        this(config, deserializer, context, clients, ackSender, new PendingAcks<>(), ConcurrentHashMap.newKeySet());
    }

    private MqttSourceReader(
            MqttSourceConfig config,
            MqttMessageDeserializer<T> deserializer,
            SourceReaderContext context,
            SubscriberClientFactory clients,
            AckSender ackSender,
            PendingAcks<MqttReceivedMessage.Ack> pendingAcks,
            Set<String> connectedSplits) {
        super(
                new SingleThreadFetcherManager<>(
                        splitReaders(config, context, clients, pendingAcks, connectedSplits), context.getConfiguration()),
                new MqttRecordEmitter<>(deserializer, pendingAcks, context.metricGroup().getNumRecordsInErrorsCounter()),
                context.getConfiguration(),
                context);
        this.pendingAcks = pendingAcks;
        this.ackSender = ackSender;
        this.connectedSplits = connectedSplits;
    }

    /** The metrics are registered once per reader, whichever split reader (fetcher) uses them. */
    private static Supplier<SplitReader<MqttReceivedMessage, MqttSubscriberSplit>> splitReaders(
            MqttSourceConfig config,
            SourceReaderContext context,
            SubscriberClientFactory clients,
            PendingAcks<MqttReceivedMessage.Ack> pendingAcks,
            Set<String> connectedSplits) {
        MqttSourceMetrics metrics = new MqttSourceMetrics(context.metricGroup(), pendingAcks::size);
        return () -> new MqttSplitReader(config, metrics, clients, connectedSplits::add);
    }

    @Override
    public List<MqttSubscriberSplit> snapshotState(long checkpointId) {
        List<MqttSubscriberSplit> splits = super.snapshotState(checkpointId);
        pendingAcks.snapshot(checkpointId);
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        ackSender.send(pendingAcks.completed(checkpointId));
    }

    /** Sends the acks of completed checkpoints still queued first: the connections close after them. */
    @Override
    public void close() throws Exception {
        try {
            ackSender.close();
        } finally {
            super.close();
        }
    }

    @VisibleForTesting
    boolean hasConnected(String splitId) {
        return connectedSplits.contains(splitId);
    }

    @Override
    protected void onSplitFinished(Map<String, MqttSubscriberSplit> finishedSplitIds) {
        // Subscriber splits never finish.
    }

    @Override
    protected MqttSubscriberSplit initializedState(MqttSubscriberSplit split) {
        return split;
    }

    /**
     * The split as this snapshot records it: whether its client id had a session (so that a restore
     * that finds none reports a lost session) and how many of its messages were unacknowledged (so
     * that a lost session on restore can fail the job, see 'session-lost'). Runs in snapshotState,
     * before the acks since the last snapshot are filed: they count.
     */
    @Override
    protected MqttSubscriberSplit toSplitType(String splitId, MqttSubscriberSplit state) {
        return state.withSession(state.hadSession() || connectedSplits.contains(splitId), pendingAcks.size(splitId));
    }
}
