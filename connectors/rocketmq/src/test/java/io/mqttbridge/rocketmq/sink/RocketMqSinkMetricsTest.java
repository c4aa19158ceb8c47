package io.mqttbridge.rocketmq.sink;

import io.mqttbridge.connector.testing.OnSeveralThreads;
import io.mqttbridge.connector.testing.SinkWriterMetricGroups;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RocketMqSinkMetricsTest {

    private final MetricListener listener = new MetricListener();
    private final Counter numRecordsSend = new SimpleCounter();
    private final Counter numRecordsOutErrors = new SimpleCounter();

    /** A writer group whose 'route' subgroup the listener can read. */
    private SinkWriterMetricGroup writerGroup() {
        return SinkWriterMetricGroups.over(listener.getMetricGroup(), numRecordsSend, numRecordsOutErrors);
    }

    @Test
    void countsAcknowledgedAndFailedSendsAndGaugesTheLatencyFromTheOriginTime() {
        RocketMqSinkMetrics metrics = new RocketMqSinkMetrics(writerGroup());
        assertThat(listener.<Long>getGauge("route", "syncLatencyMs").orElseThrow().getValue()).isEqualTo(-1L);

        long origin = System.currentTimeMillis() - 1_500;
        metrics.sent(origin);
        metrics.sent(origin);
        metrics.failed();

        assertThat(listener.getCounter("route", "messagesWritten").orElseThrow().getCount()).isEqualTo(2);
        assertThat(listener.getCounter("route", "messagesFailed").orElseThrow().getCount()).isEqualTo(1);
        assertThat(numRecordsSend.getCount()).isEqualTo(2);
        assertThat(numRecordsOutErrors.getCount()).isEqualTo(1);
        // acknowledged "now", produced 1.5 s before: at least 1500 ms whatever the clock does meanwhile
        assertThat(listener.<Long>getGauge("route", "syncLatencyMs").orElseThrow().getValue()).isGreaterThanOrEqualTo(1_500L);
    }

    /**
     * RocketMQ calls back on several threads, and Flink's standard counters are plain SimpleCounters: a lost
     * update left numRecordsSend short of the records written, and Flink's sink test suite waiting for it.
     */
    @Test
    void countsEverySendWhenCallbacksComeOnSeveralThreadsAtOnce() throws Exception {
        RocketMqSinkMetrics metrics = new RocketMqSinkMetrics(writerGroup());
        long origin = System.currentTimeMillis();

        OnSeveralThreads.run(4, 200_000, () -> metrics.sent(origin));
        OnSeveralThreads.run(4, 50_000, metrics::failed);

        assertThat(numRecordsSend.getCount()).isEqualTo(800_000);
        assertThat(numRecordsOutErrors.getCount()).isEqualTo(200_000);
        assertThat(listener.getCounter("route", "messagesWritten").orElseThrow().getCount()).isEqualTo(800_000);
    }
}
