package io.mqttbridge.rocketmq.source;

import io.mqttbridge.connector.source.ReaderDeserializationContext;
import io.mqttbridge.rocketmq.source.enumerator.RocketMqEnumState;
import io.mqttbridge.rocketmq.source.enumerator.RocketMqEnumStateSerializer;
import io.mqttbridge.rocketmq.source.enumerator.RocketMqSourceEnumerator;
import io.mqttbridge.rocketmq.source.reader.QueueClientFactory;
import io.mqttbridge.rocketmq.source.reader.RocketMqSourceReader;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.Objects;

/**
 * FLIP-27 source over RocketMQ: one split per message queue of the topic, the queue's next offset
 * as the split's checkpointed state (each message read once across restores), queues discovered at
 * the name server and re-discovered periodically. Build with {@link #builder()}.
 */
@PublicEvolving
public final class RocketMqSource<T>
        implements Source<T, RocketMqQueueSplit, RocketMqEnumState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final RocketMqSourceConfig config;
    private final RocketMqMessageDeserializer<T> deserializer;
    private final QueueClientFactory clients;

    RocketMqSource(RocketMqSourceConfig config, RocketMqMessageDeserializer<T> deserializer, QueueClientFactory clients) {
        this.config = Objects.requireNonNull(config, "config");
        this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    public static <T> RocketMqSourceBuilder<T> builder() {
        return new RocketMqSourceBuilder<>();
    }

    /** For the 'rocketmq' table, whose factory already validated the options. */
    @Internal
    public static <T> RocketMqSource<T> of(RocketMqSourceConfig validated, RocketMqMessageDeserializer<T> deserializer) {
        return new RocketMqSource<>(validated, deserializer, QueueClientFactory.PULL_CONSUMER);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, RocketMqQueueSplit> createReader(SourceReaderContext context) throws Exception {
        deserializer.open(new ReaderDeserializationContext(context));
        return RocketMqSourceReader.create(config, deserializer, context, clients);
    }

    @Override
    public SplitEnumerator<RocketMqQueueSplit, RocketMqEnumState> createEnumerator(
            SplitEnumeratorContext<RocketMqQueueSplit> context) {
        return new RocketMqSourceEnumerator(context, config, clients, null);
    }

    @Override
    public SplitEnumerator<RocketMqQueueSplit, RocketMqEnumState> restoreEnumerator(
            SplitEnumeratorContext<RocketMqQueueSplit> context, RocketMqEnumState state) {
        return new RocketMqSourceEnumerator(context, config, clients, state);
    }

    @Override
    public SimpleVersionedSerializer<RocketMqQueueSplit> getSplitSerializer() {
        return RocketMqQueueSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<RocketMqEnumState> getEnumeratorCheckpointSerializer() {
        return RocketMqEnumStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    @VisibleForTesting
    public RocketMqSourceConfig config() {
        return config;
    }
}
