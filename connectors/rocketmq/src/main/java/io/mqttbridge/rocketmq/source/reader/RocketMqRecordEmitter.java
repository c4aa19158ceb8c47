package io.mqttbridge.rocketmq.source.reader;

import io.mqttbridge.rocketmq.source.RocketMqMessageDeserializer;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;

import java.io.IOException;

/**
 * Deserializes a message on the task thread, emits its records with the message's store time as
 * their timestamp, and then moves the split's position past it: a snapshot taken after this call
 * restores behind the message, one taken before restores at it.
 */
@Internal
public final class RocketMqRecordEmitter<T> implements RecordEmitter<MessageExt, T, RocketMqQueueSplitState> {

    private final RocketMqMessageDeserializer<T> deserializer;
    private final TimestampedCollector<T> collector = new TimestampedCollector<>();

    public RocketMqRecordEmitter(RocketMqMessageDeserializer<T> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void emitRecord(MessageExt message, SourceOutput<T> output, RocketMqQueueSplitState split) throws Exception {
        collector.output = output;
        collector.timestamp = message.getStoreTimestamp();
        try {
            deserializer.deserialize(message, collector);
        } catch (Exception e) {
            throw new IOException("Could not deserialize the RocketMQ message at offset " + message.getQueueOffset()
                    + " of queue " + message.getQueueId() + " on broker " + split.broker() + " (topic " + message.getTopic()
                    + ", msg id " + message.getMsgId() + ")", e);
        }
        split.emitted(message.getQueueOffset());
    }

    private static final class TimestampedCollector<T> implements Collector<T> {
        private SourceOutput<T> output;
        private long timestamp;

        @Override
        public void collect(T record) {
            output.collect(record, timestamp);
        }

        @Override
        public void close() {}
    }
}
