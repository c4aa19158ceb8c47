package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;

/**
 * Deserializes a message on the task thread and, once its records are emitted, files its
 * acknowledgement for the next snapshot. A message that fails to deserialize is never acknowledged.
 */
@Internal
public final class MqttRecordEmitter<T> implements RecordEmitter<MqttReceivedMessage, T, MqttSubscriberSplit> {

    private final MqttMessageDeserializer<T> deserializer;
    private final PendingAcks<MqttReceivedMessage.Ack> pendingAcks;
    private final OutputCollector<T> collector = new OutputCollector<>();

    public MqttRecordEmitter(MqttMessageDeserializer<T> deserializer, PendingAcks<MqttReceivedMessage.Ack> pendingAcks) {
        this.deserializer = deserializer;
        this.pendingAcks = pendingAcks;
    }

    @Override
    public void emitRecord(MqttReceivedMessage element, SourceOutput<T> output, MqttSubscriberSplit split) throws Exception {
        collector.output = output;
        deserializer.deserialize(element.message(), collector);
        if (element.ack() != null) {
            pendingAcks.add(element.splitId(), element.ack());
        }
    }

    private static final class OutputCollector<T> implements Collector<T> {
        private SourceOutput<T> output;

        @Override
        public void collect(T record) {
            output.collect(record);
        }

        @Override
        public void close() {}
    }
}
