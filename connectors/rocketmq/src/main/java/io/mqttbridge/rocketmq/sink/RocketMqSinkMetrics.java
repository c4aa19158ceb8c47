package io.mqttbridge.rocketmq.sink;

import io.mqttbridge.connector.metrics.RouteMetrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Metrics of one sink subtask: the route metrics every sink shares ({@link RouteMetrics}, group
 * {@code route}: messages the broker acknowledged, sends that failed after retries, synchronisation
 * latency) and Flink's standard sink counters. Updated from RocketMQ's callback threads, several at once;
 * Flink's standard counters are not thread-safe, hence the synchronized updates.
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
    synchronized void sent(long originMillis) {
        route.written(1, originMillis, System.currentTimeMillis());
        numRecordsSend.inc();
    }

    synchronized void failed() {
        route.failed(1);
        numRecordsOutErrors.inc();
    }
}
