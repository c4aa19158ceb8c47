package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.CancelTaskException;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserializes a message on the task thread and, once its records are emitted, files its
 * acknowledgement for the next snapshot. A message that fails to deserialize, or whose records an
 * operator chained to the source refuses (emitting runs them on this thread), is never acknowledged:
 * it fails the job and comes again after the restart. Such a message is named in an ERROR line and
 * counted in {@code numRecordsInErrors}, so that one that fails the job again and again can be found.
 */
@Internal
public final class MqttRecordEmitter<T> implements RecordEmitter<MqttReceivedMessage, T, MqttSubscriberSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttRecordEmitter.class);

    private final MqttMessageDeserializer<T> deserializer;
    private final PendingAcks<MqttReceivedMessage.Ack> pendingAcks;
    private final Counter failures;
    private final OutputCollector<T> collector = new OutputCollector<>();

    public MqttRecordEmitter(
            MqttMessageDeserializer<T> deserializer, PendingAcks<MqttReceivedMessage.Ack> pendingAcks, Counter failures) {
        this.deserializer = deserializer;
        this.pendingAcks = pendingAcks;
        this.failures = failures;
    }

    @Override
    public void emitRecord(MqttReceivedMessage element, SourceOutput<T> output, MqttSubscriberSplit split) throws Exception {
        collector.output = output;
        try {
            deserializer.deserialize(element.message(), collector);
        } catch (Exception e) {
            reportFailure(element, split, e);
            throw e;
        }
        if (element.ack() != null) {
            pendingAcks.add(element.splitId(), element.ack());
        }
    }

    /** Off the hot path: runs once, for the message that fails the job. */
    private void reportFailure(MqttReceivedMessage element, MqttSubscriberSplit split, Exception e) {
        if (Thread.currentThread().isInterrupted()
                || ExceptionUtils.findThrowable(e, InterruptedException.class).isPresent()
                || ExceptionUtils.findThrowable(e, CancelTaskException.class).isPresent()) {
            return; // the task is being cancelled: not the message's fault
        }
        failures.inc();
        LOG.error(
                "The MQTT message on {} (client id '{}') failed the job in the source or an operator chained to it. "
                        + "It is not acknowledged; the broker delivers it again after the restart, where it fails "
                        + "the job again unless the cause is fixed (for a payload that cannot be decoded, see the "
                        + "table option 'decode-error-handling'). Cause: {}",
                deserializer.describe(element.message()),
                split.clientId(),
                e.toString());
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
