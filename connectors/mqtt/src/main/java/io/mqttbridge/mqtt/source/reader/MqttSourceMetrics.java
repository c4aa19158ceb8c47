package io.mqttbridge.mqtt.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Metrics of one source reader, on its metric group under {@code mqtt}: connectionsUp (gauge),
 * reconnects, messagesReceived, acksSent, acksIgnored (counters), acksPending (gauge). Counters are
 * updated from client threads, hence thread-safe ones.
 */
@Internal
public final class MqttSourceMetrics {

    private final AtomicInteger connectionsUp = new AtomicInteger();
    private final Counter reconnects;
    private final Counter messagesReceived;
    private final Counter acksSent;
    private final Counter acksIgnored;

    public MqttSourceMetrics(MetricGroup readerGroup, IntSupplier acksPending) {
        MetricGroup group = readerGroup.addGroup("mqtt");
        group.gauge("connectionsUp", connectionsUp::get);
        group.gauge("acksPending", acksPending::getAsInt);
        this.reconnects = group.counter("reconnects", new ThreadSafeSimpleCounter());
        this.messagesReceived = group.counter("messagesReceived", new ThreadSafeSimpleCounter());
        this.acksSent = group.counter("acksSent", new ThreadSafeSimpleCounter());
        this.acksIgnored = group.counter("acksIgnored", new ThreadSafeSimpleCounter());
    }

    public void connectionUp() {
        connectionsUp.incrementAndGet();
    }

    public void connectionDown() {
        connectionsUp.decrementAndGet();
    }

    public void reconnect() {
        reconnects.inc();
    }

    public void messageReceived() {
        messagesReceived.inc();
    }

    public void ackSent() {
        acksSent.inc();
    }

    public void ackIgnored() {
        acksIgnored.inc();
    }
}
