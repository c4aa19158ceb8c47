package io.mqttbridge.rocketmq.sink;

import io.mqttbridge.connector.metrics.RouteMetrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Metrics of one sink subtask: the route metrics every sink shares ({@link RouteMetrics}, group
 * {@code route}: messages the broker acknowledged, sends that failed after retries, synchronisation
 * latency) and Flink's standard sink counters. Updated from RocketMQ's callback threads.
 */
@Internal
final class RocketMqSinkMetrics {

    private final RouteMetrics route;
    private final Counter numRecordsSend;
    private final Counter numRecordsOutErrors;

    RocketMqSinkMetrics(SinkWriterMetricGroup writerGroup) {
        this.route = new RouteMetrics(writerGroup);
        this.numRecordsSend = writerGroup.getNumRecordsSendCounter();
        this.numRecordsOutErrors = writerGroup.getNumRecordsOutErrorsCounter();
    }

    /** The broker acknowledged a message whose data originated at {@code originMillis}. */
    void sent(long originMillis) {
        route.written(1, originMillis, System.currentTimeMillis());
        numRecordsSend.inc();
    }

    void failed() {
        route.failed(1);
        numRecordsOutErrors.inc();
    }
}
