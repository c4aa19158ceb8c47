package io.mqttbridge.tests.support;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The MiniCluster of a test that reads the job's metrics (counts of reconnects, skips, lost sessions, ...). */
public final class ReportingMiniCluster {

    private ReportingMiniCluster() {}

    /** One TaskManager with {@code slots} slots, reporting every metric to {@code metrics}. */
    public static MiniClusterExtension of(InMemoryReporter metrics, int slots) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .setConfiguration(metrics.addToConfiguration(new Configuration()))
                        .build());
    }

    /**
     * The sum of {@code job}'s counters {@code name} over its subtasks; fails if there is none, so that a
     * renamed metric cannot read as 0.
     */
    public static long counterSum(InMemoryReporter metrics, JobID job, String name) {
        Map<String, Metric> counters = metrics.findMetrics(job, name);
        assertThat(counters).as("the counters %s", name).isNotEmpty();
        return counters.values().stream().mapToLong(m -> ((Counter) m).getCount()).sum();
    }
}
