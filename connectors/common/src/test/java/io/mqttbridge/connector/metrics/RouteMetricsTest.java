package io.mqttbridge.connector.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RouteMetricsTest {

    /** Records what is registered, by "group.name"; one level of groups is all RouteMetrics uses. */
    private static final class Recording extends UnregisteredMetricsGroup {
        final Map<String, Metric> metrics = new HashMap<>();
        private final Recording root;
        private final String prefix;

        Recording() {
            this.root = this;
            this.prefix = "";
        }

        private Recording(Recording root, String prefix) {
            this.root = root;
            this.prefix = prefix;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new Recording(root, prefix + name + ".");
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            root.metrics.put(prefix + name, counter);
            return counter;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            root.metrics.put(prefix + name, gauge);
            return gauge;
        }
    }

    @Test
    void registersTheThreeRouteMetricsUnderTheRouteGroupAndGaugesLatencyFromTheOrigin() {
        Recording writer = new Recording();
        RouteMetrics metrics = new RouteMetrics(writer);
        assertThat(writer.metrics).containsOnlyKeys("route.messagesWritten", "route.messagesFailed", "route.syncLatencyMs");
        assertThat(((Gauge<?>) writer.metrics.get("route.syncLatencyMs")).getValue()).isEqualTo(-1L);

        metrics.written(3, 10_000, 12_500);
        metrics.written(1, 20_000, 20_040);
        metrics.failed(2);

        assertThat(((Counter) writer.metrics.get("route.messagesWritten")).getCount()).isEqualTo(4);
        assertThat(((Counter) writer.metrics.get("route.messagesFailed")).getCount()).isEqualTo(2);
        assertThat(((Gauge<?>) writer.metrics.get("route.syncLatencyMs")).getValue()).isEqualTo(40L);

        metrics.written(1, 30_500, 30_000); // origin clock ahead of ours
        assertThat(metrics.syncLatencyMs()).isZero();
    }
}
