package io.mqttbridge.connector.testing;

import io.mqttbridge.connector.metrics.RouteMetrics;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The {@link RouteMetrics} a job's sink writers reported, for a connector test that asserts on them:
 * register {@link #miniCluster} as the test's MiniCluster, run the job, then read a gauge. Metrics
 * are kept after the job ends, so a finished bounded job can be read.
 */
public final class ReportedRouteMetrics {

    private final InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();

    /**
     * One TaskManager with {@code slots} slots that reports here. As a static {@code @RegisterExtension}
     * it is the execution environment of every test (create table environments in the test or a
     * {@code @BeforeEach}, not in a field initialiser, which runs before it is set).
     */
    public MiniClusterExtension miniCluster(int slots) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(reporter.addToConfiguration(new Configuration()))
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }

    /** The largest {@code route.syncLatencyMs} over the job's sink subtasks; fails when none reported it. */
    public long syncLatencyMs(JobID job) {
        return reporter.findMetrics(job, ".*" + RouteMetrics.GROUP + "\\." + RouteMetrics.SYNC_LATENCY_MS).values().stream()
                .mapToLong(m -> ((Number) ((Gauge<?>) m).getValue()).longValue())
                .max()
                .orElseThrow(() -> new AssertionError("no route.syncLatencyMs gauge reported for job " + job));
    }
}
