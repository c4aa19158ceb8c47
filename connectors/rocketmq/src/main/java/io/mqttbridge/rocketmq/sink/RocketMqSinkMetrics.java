package io.mqttbridge.rocketmq.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Metrics of one sink subtask, in the group {@code rocketmq} of the writer: messages acknowledged by
 * the broker, sends that failed after retries, and the synchronisation latency of the last
 * acknowledged message. Updated from RocketMQ's callback threads.
 */
@Internal
final class RocketMqSinkMetrics {

    private final Counter messagesSent = new ThreadSafeSimpleCounter();
    private final Counter messagesFailed = new ThreadSafeSimpleCounter();
    private final Counter numRecordsSend;
    private final Counter numRecordsOutErrors;
    private volatile long latencyMillis = -1;

    RocketMqSinkMetrics(SinkWriterMetricGroup writerGroup) {
        MetricGroup group = writerGroup.addGroup("rocketmq");
        group.counter("messagesSent", messagesSent);
        group.counter("messagesFailed", messagesFailed);
        group.gauge("synchronisationLatencyMs", (Gauge<Long>) () -> latencyMillis);
        this.numRecordsSend = writerGroup.getNumRecordsSendCounter();
        this.numRecordsOutErrors = writerGroup.getNumRecordsOutErrorsCounter();
    }

    /** The broker acknowledged a message whose data was produced at {@code originMillis}. */
    void sent(long originMillis) {
        messagesSent.inc();
        numRecordsSend.inc();
        latencyMillis = Math.max(0, System.currentTimeMillis() - originMillis);
    }

    void failed() {
        messagesFailed.inc();
        numRecordsOutErrors.inc();
    }

    long messagesSent() {
        return messagesSent.getCount();
    }
}
