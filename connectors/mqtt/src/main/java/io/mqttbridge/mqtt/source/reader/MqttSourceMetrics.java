package io.mqttbridge.mqtt.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Metrics of one source reader, on its metric group under {@code mqtt}: connectionsUp (gauge),
 * reconnects, messagesReceived, messagesDropped (QoS 0 messages dropped a window behind), acksSent,
 * acksIgnored, sessionsLost (a connection found no session where one was expected), sessionsTakenOver
 * (another client connected with the same client id) (counters), acksPending (gauge). Counters are
 * updated from client threads, hence thread-safe ones.
 */
@Internal
public final class MqttSourceMetrics {

    private final AtomicInteger connectionsUp = new AtomicInteger();
    private final Counter reconnects;
    private final Counter messagesReceived;
    private final Counter messagesDropped;
    private final Counter acksSent;
    private final Counter acksIgnored;
    private final Counter sessionsLost;
    private final Counter sessionsTakenOver;

    public MqttSourceMetrics(MetricGroup readerGroup, IntSupplier acksPending) {
        MetricGroup group = readerGroup.addGroup("mqtt");
        group.gauge("connectionsUp", connectionsUp::get);
        group.gauge("acksPending", acksPending::getAsInt);
        this.reconnects = group.counter("reconnects", new ThreadSafeSimpleCounter());
        this.messagesReceived = group.counter("messagesReceived", new ThreadSafeSimpleCounter());
        this.messagesDropped = group.counter("messagesDropped", new ThreadSafeSimpleCounter());
        this.acksSent = group.counter("acksSent", new ThreadSafeSimpleCounter());
        this.acksIgnored = group.counter("acksIgnored", new ThreadSafeSimpleCounter());
        this.sessionsLost = group.counter("sessionsLost", new ThreadSafeSimpleCounter());
        this.sessionsTakenOver = group.counter("sessionsTakenOver", new ThreadSafeSimpleCounter());
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

    public void messageDropped() {
        messagesDropped.inc();
    }

    public void ackSent() {
        acksSent.inc();
    }

    public void ackIgnored() {
        acksIgnored.inc();
    }

    public void sessionLost() {
        sessionsLost.inc();
    }

    public void sessionTakenOver() {
        sessionsTakenOver.inc();
    }

    @VisibleForTesting
    long messagesDropped() {
        return messagesDropped.getCount();
    }

    @VisibleForTesting
    long sessionsLost() {
        return sessionsLost.getCount();
    }

    @VisibleForTesting
    long sessionsTakenOver() {
        return sessionsTakenOver.getCount();
    }
}
