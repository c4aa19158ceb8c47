package io.mqttbridge.mqtt.sink;

import io.mqttbridge.connector.testing.OnSeveralThreads;
import io.mqttbridge.connector.testing.SinkWriterMetricGroups;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MqttSinkMetricsTest {

    /**
     * Acknowledgements arrive on the clients' threads, one per connection, and Flink's standard counters
     * are plain SimpleCounters: every acknowledgement and failure must still count once.
     */
    @Test
    void countsEveryAcknowledgementWhenSeveralClientThreadsReportAtOnce() throws Exception {
        MetricListener listener = new MetricListener();
        Counter numRecordsSend = new SimpleCounter();
        Counter numRecordsOutErrors = new SimpleCounter();
        MqttSinkMetrics metrics = new MqttSinkMetrics(
                SinkWriterMetricGroups.over(listener.getMetricGroup(), numRecordsSend, numRecordsOutErrors), () -> 0);
        long now = System.currentTimeMillis();

        OnSeveralThreads.run(4, 200_000, () -> metrics.acknowledged(now, now));
        OnSeveralThreads.run(4, 50_000, metrics::failed);

        assertThat(numRecordsSend.getCount()).isEqualTo(800_000);
        assertThat(numRecordsOutErrors.getCount()).isEqualTo(200_000);
        assertThat(listener.getCounter("route", "messagesWritten").orElseThrow().getCount()).isEqualTo(800_000);
        assertThat(listener.getCounter("route", "messagesFailed").orElseThrow().getCount()).isEqualTo(200_000);
    }
}
