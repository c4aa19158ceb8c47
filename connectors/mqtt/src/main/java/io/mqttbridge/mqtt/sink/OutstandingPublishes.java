package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The publishes of one writer that the broker has not acknowledged yet, in the order they were
 * written. Each is in one of two places: sent on the current connection and waiting for its
 * acknowledgement, or lost with a connection and waiting to be sent again. An acknowledgement
 * removes it; a refusal removes it and is kept as the writer's failure. Nothing leaves this class in
 * another way, so nothing is dropped silently.
 *
 * <p>The task thread adds and waits; client threads report outcomes, hence one lock. An outcome
 * carries the connection it was sent on: a late answer from an earlier connection is ignored, as
 * that publish has been moved to the resend queue (and may be acknowledged twice by the broker: at
 * least once).
 */
@Internal
final class OutstandingPublishes {

    /** A publish the broker has not acknowledged. */
    static final class Publish {
        final long sequence;
        final MqttMessage message;
        /** Event time of the row (epoch ms) for the synchronisation latency; null when unknown. */
        @Nullable final Long eventTime;
        /** The connection it was last sent on. */
        int connection;

        Publish(long sequence, MqttMessage message, @Nullable Long eventTime) {
            this.sequence = sequence;
            this.message = message;
            this.eventTime = eventTime;
        }
    }

    private final TreeMap<Long, Publish> sent = new TreeMap<>();
    private final TreeMap<Long, Publish> toResend = new TreeMap<>();
    @Nullable private Throwable failure;
    private long nextSequence;

    /** A new publish, not yet sent. */
    synchronized Publish create(MqttMessage message, @Nullable Long eventTime) {
        return new Publish(nextSequence++, message, eventTime);
    }

    /** {@code publish} goes out on {@code connection} now. */
    synchronized void sending(Publish publish, int connection) {
        publish.connection = connection;
        sent.put(publish.sequence, publish);
    }

    /** The broker acknowledged it: returns it, or null when the answer is stale (see class doc). */
    @Nullable
    synchronized Publish acknowledged(long sequence, int connection) {
        Publish publish = current(sequence, connection);
        if (publish != null) {
            sent.remove(sequence);
            notifyAll();
        }
        return publish;
    }

    /** The broker refused it: kept as the failure (the first one wins); returns it, or null when stale. */
    @Nullable
    synchronized Publish refused(long sequence, int connection, Throwable cause) {
        Publish publish = current(sequence, connection);
        if (publish != null) {
            sent.remove(sequence);
            if (failure == null) {
                failure = cause;
            }
            notifyAll();
        }
        return publish;
    }

    /** Its connection was lost before the acknowledgement: it is sent again on the next one. */
    synchronized void lost(long sequence, int connection) {
        Publish publish = current(sequence, connection);
        if (publish != null) {
            sent.remove(sequence);
            toResend.put(sequence, publish);
            notifyAll();
        }
    }

    /** The connection ended: everything sent is to be sent again. */
    synchronized void connectionLost() {
        toResend.putAll(sent);
        sent.clear();
        notifyAll();
    }

    /** Takes what is to be sent again, oldest first. */
    synchronized List<Publish> takeToResend() {
        List<Publish> result = new ArrayList<>(toResend.values());
        toResend.clear();
        return result;
    }

    synchronized boolean hasToResend() {
        return !toResend.isEmpty();
    }

    /** Publishes not acknowledged yet: sent and to be sent again. */
    synchronized int size() {
        return sent.size() + toResend.size();
    }

    /** The first refusal, if any. */
    @Nullable
    synchronized Throwable failure() {
        return failure;
    }

    /**
     * Waits until fewer than {@code limit} publishes are outstanding, or one is to be sent again, or one
     * was refused, or {@link #wakeUp()}; at most {@code maxWaitMillis}.
     */
    synchronized void awaitBelow(int limit, long maxWaitMillis) throws InterruptedException {
        if (size() >= limit && toResend.isEmpty() && failure == null) {
            wait(maxWaitMillis);
        }
    }

    /** Wakes a waiting task thread (e.g. the connection was lost). */
    synchronized void wakeUp() {
        notifyAll();
    }

    @Nullable
    private Publish current(long sequence, int connection) {
        Publish publish = sent.get(sequence);
        return publish != null && publish.connection == connection ? publish : null;
    }

    /** For tests and messages: the topics of what is outstanding, oldest first. */
    synchronized List<String> topics() {
        TreeMap<Long, Publish> all = new TreeMap<>(sent);
        all.putAll(toResend);
        List<String> topics = new ArrayList<>();
        for (Map.Entry<Long, Publish> e : all.entrySet()) {
            topics.add(e.getValue().message.topic());
        }
        return topics;
    }
}
