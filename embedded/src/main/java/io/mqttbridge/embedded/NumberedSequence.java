package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * The numbers {@code 1..count} being published with QoS 1 on a thread of its own, as devices
 * would, by one or several {@link MqttTestPublisher}s; started by {@link
 * MqttTestPublisher#startSequence}. A number counts as published once the broker acknowledged it.
 */
@PublicEvolving
public final class NumberedSequence implements AutoCloseable {

    private final List<MqttTestPublisher> publishers;
    private final String topic;
    private final long count;
    /** Time between two numbers; 0 once {@link #unthrottle()} was called. */
    private volatile long pauseNanos;
    private final LongFunction<String> payload;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopping;

    private NumberedSequence(List<MqttTestPublisher> publishers, String topic, long count, int perSecond, LongFunction<String> payload) {
        if (publishers.isEmpty() || count < 0 || perSecond < 0) {
            throw new IllegalArgumentException(
                    "needs publishers, count >= 0 and perSecond >= 0; got " + publishers.size() + ", " + count + ", " + perSecond);
        }
        this.publishers = List.copyOf(publishers);
        this.topic = topic;
        this.count = count;
        this.pauseNanos = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
        this.payload = payload;
        this.thread = new Thread(this::run, "numbered-sequence-" + topic);
        this.thread.setDaemon(true);
    }

    static NumberedSequence start(List<MqttTestPublisher> publishers, String topic, long count, int perSecond, LongFunction<String> payload) {
        NumberedSequence sequence = new NumberedSequence(publishers, topic, count, perSecond, payload);
        sequence.thread.start();
        return sequence;
    }

    private void run() {
        try {
            long next = System.nanoTime();
            // Stops at the first failure: a closed publisher ends the sequence.
            for (long n = 1; n <= count && failure.get() == null && !stopping && !Thread.currentThread().isInterrupted(); n++) {
                MqttTestPublisher publisher = publishers.get((int) (n % publishers.size()));
                CompletableFuture<Void> acked = publisher.publishAsync(MqttTestPublisher.message(topic, payload.apply(n), 1, p -> p));
                sent.set(n);
                acked.whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acknowledged.incrementAndGet();
                    }
                });
                long pause = pauseNanos;
                if (pause > 0) {
                    next += pause;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /**
     * The highest number handed to a publisher so far: every number above it is sent later. Throws
     * when publishing failed.
     */
    public long sent() {
        rethrow();
        return sent.get();
    }

    /** How many numbers the broker has acknowledged. */
    public long acknowledged() {
        rethrow();
        return acknowledged.get();
    }

    /** All {@code count} numbers acknowledged. */
    public boolean done() {
        return acknowledged() == count;
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError(
                    "Publishing to the MQTT broker failed after " + acknowledged.get() + " acknowledged numbers", t);
        }
    }

    /**
     * Sends the numbers still to come as fast as the broker acknowledges them. A paced sequence keeps
     * load up while failures are injected; once the last injection recovered, the rest only has to
     * arrive, and its pacing would be idle waiting.
     */
    public void unthrottle() {
        pauseNanos = 0;
    }

    /**
     * Stops sending after the number being sent and waits for the thread to end; unlike {@link
     * #close()} it never interrupts a publish that waits for the broker's window, so no number
     * fails: {@link #sent()} is the last number, and all up to it are acknowledged in time.
     */
    public void stop() throws InterruptedException {
        stopping = true;
        thread.join(60_000);
    }

    /** Stops sending (numbers in flight may still be acknowledged); the publishers stay open. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
    }
}
