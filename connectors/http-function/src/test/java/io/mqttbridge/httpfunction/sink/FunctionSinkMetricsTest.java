package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.testing.OnSeveralThreads;
import io.mqttbridge.connector.testing.SinkWriterMetricGroups;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FunctionSinkMetricsTest {

    /** Batches end on the HTTP client's threads; Flink's error counter is a plain SimpleCounter. */
    @Test
    void countsEverySkippedAndDeadLetteredRecordWhenSeveralClientThreadsReportAtOnce() throws Exception {
        MetricListener listener = new MetricListener();
        Counter numRecordsOutErrors = new SimpleCounter();
        FunctionSinkMetrics metrics = new FunctionSinkMetrics(
                SinkWriterMetricGroups.over(listener.getMetricGroup(), new SimpleCounter(), numRecordsOutErrors));

        OnSeveralThreads.run(4, 100_000, () -> metrics.skipped(1));
        OnSeveralThreads.run(4, 100_000, () -> metrics.deadLettered(2));

        assertThat(numRecordsOutErrors.getCount()).isEqualTo(1_200_000);
        assertThat(listener.getCounter("function", "recordsSkipped").orElseThrow().getCount()).isEqualTo(400_000);
        assertThat(listener.getCounter("function", "recordsDeadLettered").orElseThrow().getCount()).isEqualTo(800_000);
    }
}
