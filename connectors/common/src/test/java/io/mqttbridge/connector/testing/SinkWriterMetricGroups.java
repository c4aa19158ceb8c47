package io.mqttbridge.connector.testing;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.lang.reflect.Proxy;

/**
 * A sink writer's metric group whose subgroups are those of a group a test can read (e.g. Flink's
 * {@code MetricListener#getMetricGroup()}), for the metrics classes of our sinks: they add their groups
 * ({@code route}, {@code mqtt}, ...) and take Flink's two standard sink counters, nothing else.
 */
public final class SinkWriterMetricGroups {

    private SinkWriterMetricGroups() {}

    /** {@code addGroup(name)} is {@code readable.addGroup(name)}; the standard counters are the ones given. */
    public static SinkWriterMetricGroup over(MetricGroup readable, Counter numRecordsSend, Counter numRecordsOutErrors) {
        return (SinkWriterMetricGroup) Proxy.newProxyInstance(
                SinkWriterMetricGroups.class.getClassLoader(),
                new Class<?>[] {SinkWriterMetricGroup.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "addGroup":
                            return readable.addGroup((String) args[0]);
                        case "getNumRecordsSendCounter":
                            return numRecordsSend;
                        case "getNumRecordsOutErrorsCounter":
                            return numRecordsOutErrors;
                        default:
                            // A new use fails the test that relies on this group, visibly.
                            throw new AssertionError("unexpected call SinkWriterMetricGroup." + method.getName());
                    }
                });
    }
}
