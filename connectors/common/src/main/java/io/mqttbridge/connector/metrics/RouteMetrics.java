package io.mqttbridge.connector.metrics;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

/**
 * The metrics every sink of a route reports under the same names, so that one dashboard query
 * covers every route whatever its target (the figures a replication task of the cloud product shows):
 * in the group {@value #GROUP} of the sink writer, {@value #MESSAGES_WRITTEN} (messages the target
 * acknowledged), {@value #MESSAGES_FAILED} (messages given up on after their retries) and
 * {@value #SYNC_LATENCY_MS} (acknowledgement time minus the message's origin time, for the latest
 * acknowledgement; -1 before the first). Each sink says in its docs where the origin time comes
 * from. Updated from client callback threads, hence thread-safe counters and a volatile gauge.
 */
@PublicEvolving
public final class RouteMetrics {

    public static final String GROUP = "route";
    public static final String MESSAGES_WRITTEN = "messagesWritten";
    public static final String MESSAGES_FAILED = "messagesFailed";
    public static final String SYNC_LATENCY_MS = "syncLatencyMs";

    private final Counter written = new ThreadSafeSimpleCounter();
    private final Counter failed = new ThreadSafeSimpleCounter();
    private volatile long syncLatencyMs = -1;

    /** Registers the route metrics in the group {@value #GROUP} under {@code writerGroup}. */
    public RouteMetrics(MetricGroup writerGroup) {
        MetricGroup group = writerGroup.addGroup(GROUP);
        group.counter(MESSAGES_WRITTEN, written);
        group.counter(MESSAGES_FAILED, failed);
        group.gauge(SYNC_LATENCY_MS, (Gauge<Long>) () -> syncLatencyMs);
    }

    /**
     * The target acknowledged {@code count} messages at {@code ackMillis}; the oldest of them
     * originated at {@code originMillis} (epoch milliseconds).
     */
    public void written(int count, long originMillis, long ackMillis) {
        written.inc(count);
        // A clock step or a publisher's clock ahead of ours must not show a negative latency.
        syncLatencyMs = Math.max(0, ackMillis - originMillis);
    }

    /** {@code count} messages were given up on after their retries. */
    public void failed(int count) {
        failed.inc(count);
    }

    public long messagesWritten() {
        return written.getCount();
    }

    public long messagesFailed() {
        return failed.getCount();
    }

    public long syncLatencyMs() {
        return syncLatencyMs;
    }
}
