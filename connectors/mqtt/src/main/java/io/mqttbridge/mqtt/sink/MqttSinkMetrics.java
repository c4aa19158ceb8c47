package io.mqttbridge.mqtt.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import javax.annotation.Nullable;

import java.util.function.IntSupplier;

/**
 * Metrics of one sink subtask, in the group {@code mqtt} of the writer: messagesPublished,
 * messagesFailed, messagesResent, reconnects (counters), connectionsUp, publishesOutstanding and
 * syncLatencyMs (gauges). Acknowledgements arrive on client threads, hence thread-safe counters.
 */
@Internal
final class MqttSinkMetrics {

    private final Counter published;
    private final Counter failed;
    private final Counter resent;
    private final Counter reconnects;
    private final Counter numRecordsSend;
    private final Counter numRecordsOutErrors;
    private volatile int connectionsUp;
    /** Now minus the event time of the last acknowledged row that had one; -1 until then. */
    private volatile long syncLatencyMs = -1;

    MqttSinkMetrics(SinkWriterMetricGroup writerGroup, IntSupplier outstanding) {
        MetricGroup group = writerGroup.addGroup("mqtt");
        this.published = group.counter("messagesPublished", new ThreadSafeSimpleCounter());
        this.failed = group.counter("messagesFailed", new ThreadSafeSimpleCounter());
        this.resent = group.counter("messagesResent", new ThreadSafeSimpleCounter());
        this.reconnects = group.counter("reconnects", new ThreadSafeSimpleCounter());
        group.gauge("connectionsUp", () -> connectionsUp);
        group.gauge("publishesOutstanding", outstanding::getAsInt);
        group.gauge("syncLatencyMs", () -> syncLatencyMs);
        this.numRecordsSend = writerGroup.getNumRecordsSendCounter();
        this.numRecordsOutErrors = writerGroup.getNumRecordsOutErrorsCounter();
    }

    void acknowledged(@Nullable Long eventTime, long nowMillis) {
        published.inc();
        numRecordsSend.inc();
        if (eventTime != null) {
            syncLatencyMs = Math.max(0, nowMillis - eventTime);
        }
    }

    void failed() {
        failed.inc();
        numRecordsOutErrors.inc();
    }

    void resent(int count) {
        resent.inc(count);
    }

    void connected(boolean up) {
        connectionsUp = up ? 1 : 0;
    }

    void reconnect() {
        reconnects.inc();
    }
}
