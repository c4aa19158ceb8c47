package io.mqttbridge.mqtt.sink;

import io.mqttbridge.connector.metrics.RouteMetrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.util.function.IntSupplier;

/**
 * Metrics of one sink subtask: the route metrics every sink shares ({@link RouteMetrics}, group
 * {@code route}: publishes acknowledged, publishes refused, synchronisation latency), the MQTT
 * specifics in the group {@code mqtt} (messagesResent, reconnects, sessionsTakenOver - the source's
 * name for another client connecting with the same client id -, connectionsUp, publishesOutstanding) and Flink's standard sink counters. Acknowledgements arrive on client
 * threads, hence thread-safe counters, and synchronized updates of Flink's standard ones (which are not).
 */
@Internal
final class MqttSinkMetrics {

    private final RouteMetrics route;
    private final Counter resent;
    private final Counter reconnects;
    private final Counter sessionsTakenOver;
    private final Counter numRecordsSend;
    private final Counter numRecordsOutErrors;
    private volatile int connectionsUp;

    MqttSinkMetrics(SinkWriterMetricGroup writerGroup, IntSupplier outstanding) {
        this.route = new RouteMetrics(writerGroup);
        MetricGroup group = writerGroup.addGroup("mqtt");
        this.resent = group.counter("messagesResent", new ThreadSafeSimpleCounter());
        this.reconnects = group.counter("reconnects", new ThreadSafeSimpleCounter());
        this.sessionsTakenOver = group.counter("sessionsTakenOver", new ThreadSafeSimpleCounter());
        group.gauge("connectionsUp", () -> connectionsUp);
        group.gauge("publishesOutstanding", outstanding::getAsInt);
        this.numRecordsSend = writerGroup.getNumRecordsSendCounter();
        this.numRecordsOutErrors = writerGroup.getNumRecordsOutErrorsCounter();
    }

    /** The broker acknowledged a publish (QoS 0: it was sent) whose data originated at {@code originMillis}. */
    synchronized void acknowledged(long originMillis, long nowMillis) {
        route.written(1, originMillis, nowMillis);
        numRecordsSend.inc();
    }

    synchronized void failed() {
        route.failed(1);
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

    void sessionTakenOver() {
        sessionsTakenOver.inc();
    }
}
