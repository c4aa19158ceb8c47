package io.mqttbridge.tests.support;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

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
}
