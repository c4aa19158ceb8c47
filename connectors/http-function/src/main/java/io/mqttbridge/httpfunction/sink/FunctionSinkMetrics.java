package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.metrics.RouteMetrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Metrics of one sink subtask: the route metrics every sink shares ({@link RouteMetrics}, group
 * {@code route}) and the function specifics in the group {@code function} of the writer. Updated
 * from HTTP client threads, hence thread-safe counters and synchronized updates of the histograms and of
 * Flink's standard error counter (neither is thread-safe).
 */
@Internal
public final class FunctionSinkMetrics {

    private static final int HISTOGRAM_WINDOW = 1000;

    private final Counter invocations = new ThreadSafeSimpleCounter();
    private final Counter invocationsFailed = new ThreadSafeSimpleCounter();
    private final Counter recordsSent = new ThreadSafeSimpleCounter();
    private final Counter retries = new ThreadSafeSimpleCounter();
    private final Counter recordsSkipped = new ThreadSafeSimpleCounter();
    private final Counter recordsDeadLettered = new ThreadSafeSimpleCounter();
    private final Histogram batchSize = new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW);
    private final Histogram latencyMs = new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW);
    private final Counter numRecordsOutErrors;
    private final RouteMetrics route;

    public FunctionSinkMetrics(SinkWriterMetricGroup writerGroup) {
        this.route = new RouteMetrics(writerGroup);
        MetricGroup group = writerGroup.addGroup("function");
        group.counter("invocations", invocations);
        group.counter("invocationsFailed", invocationsFailed);
        group.counter("recordsSent", recordsSent);
        group.counter("retries", retries);
        group.counter("recordsSkipped", recordsSkipped);
        group.counter("recordsDeadLettered", recordsDeadLettered);
        group.histogram("batchSize", batchSize);
        group.histogram("invocationLatencyMs", latencyMs);
        this.numRecordsOutErrors = writerGroup.getNumRecordsOutErrorsCounter();
    }

    /**
     * One HTTP attempt ended; {@code delivered} when it was a 2xx. The route's synchronisation
     * latency counts from {@code originMillis}: the batch's oldest origin time (a table's
     * latency-time-column), else its first attempt (retries and backoffs included).
     */
    void attempt(int records, long latencyMillis, boolean delivered, long originMillis) {
        invocations.inc();
        if (delivered) {
            recordsSent.inc(records);
            route.written(records, originMillis, System.currentTimeMillis());
        } else {
            invocationsFailed.inc();
        }
        // The histograms are not thread-safe; attempts end on HTTP client threads.
        synchronized (this) {
            latencyMs.update(latencyMillis);
            if (delivered) {
                batchSize.update(records);
            }
        }
    }

    /** The batch's retries are exhausted or its failure is not retryable: the failure policy takes over. */
    void gaveUp(int records) {
        route.failed(records);
    }

    void retry() {
        retries.inc();
    }

    synchronized void skipped(int records) {
        recordsSkipped.inc(records);
        numRecordsOutErrors.inc(records);
    }

    synchronized void deadLettered(int records) {
        recordsDeadLettered.inc(records);
        numRecordsOutErrors.inc(records);
    }
}
