package io.mqttbridge.mqtt.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;

import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Sends the acknowledgements of completed checkpoints, oldest first, from a thread of its own and a
 * slice at a time, spread over part of the checkpoint interval.
 *
 * <p>Why paced: a checkpoint releases every PUBACK since the previous one at once, thousands per
 * connection. The MQTT client writes and flushes each on the connection's event loop, and the broker
 * handles each; messages arriving meanwhile wait behind them. Sent all at once they made the slowest
 * percent of messages late once per checkpoint (docs/benchmarks.md, "Latency"). A slice is at least
 * {@value #MIN_SLICE} acks, and large enough that any backlog goes out within {@value #SLICES}
 * slices, so pacing never lets acks fall behind the input.
 *
 * <p>The slices of one checkpoint are spread over half the time between the last two checkpoints
 * (at most {@value #MAX_SPREAD_MS} ms); before two checkpoints have completed, the pause is 1 ms.
 * Spreading costs no throughput even where the broker's window is the limit: a broker that refills
 * the window as acks arrive has it full again well before the next checkpoint, which is when the
 * reader can acknowledge anything more. A backlog below {@value #MIN_SLICE}, e.g. a small window,
 * goes out in one slice.
 *
 * <p>{@link #close} sends what is left without pauses before the connections close: these messages
 * are covered by a completed checkpoint, and a PUBACK that is not sent makes the broker deliver them
 * again.
 */
@Internal
final class AckSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AckSender.class);

    static final int MIN_SLICE = 64;
    static final int SLICES = 50;
    static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long MAX_SPREAD_MS = 2_000;
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final Object lock = new Object();
    private final ArrayDeque<MqttReceivedMessage.Ack> queue = new ArrayDeque<>();
    private final LongConsumer pause;
    private final LongSupplier nanoClock;
    @Nullable private final Thread thread;
    // queue, slice, pauseNanos, lastSendNanos, closed: only under lock. ignored: the sending thread's.
    private int slice = MIN_SLICE;
    private long pauseNanos = FIRST_PAUSE_NANOS;
    private long lastSendNanos;
    private boolean sentBefore;
    private boolean closed;
    private long ignored;

    private AckSender(String threadName, LongConsumer pause, LongSupplier nanoClock) {
        this.pause = pause;
        this.nanoClock = nanoClock;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends in the caller's thread, in one go. */
    private AckSender() {
        this.pause = nanos -> {};
        this.nanoClock = System::nanoTime;
        this.thread = null;
    }

    static AckSender start(String threadName) {
        return new AckSender(threadName, LockSupport::parkNanos, System::nanoTime);
    }

    /**
     * With {@code pause} given each pause's length instead of sleeping, and {@code nanoClock} as the
     * time of each {@link #send}: a test sees where the slices end and how long the pauses are.
     */
    @VisibleForTesting
    static AckSender start(String threadName, LongConsumer pause, LongSupplier nanoClock) {
        return new AckSender(threadName, pause, nanoClock);
    }

    /** Sends every ack in the calling thread before {@link #send} returns: for tests of the bookkeeping around it. */
    @VisibleForTesting
    static AckSender inCallingThread() {
        return new AckSender();
    }

    /**
     * Queues a completed checkpoint's {@code acks} behind those queued before; called once per
     * completed checkpoint, also with none. Ignored after {@link #close}.
     */
    void send(List<MqttReceivedMessage.Ack> acks) {
        if (thread == null) {
            acknowledge(acks.toArray(new MqttReceivedMessage.Ack[0]), false);
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            // A checkpoint with nothing to acknowledge still marks the interval.
            long now = nanoClock.getAsLong();
            if (sentBefore) {
                long spread = Math.min((now - lastSendNanos) / 2, TimeUnit.MILLISECONDS.toNanos(MAX_SPREAD_MS));
                pauseNanos = Math.max(FIRST_PAUSE_NANOS, spread / SLICES);
            }
            sentBefore = true;
            lastSendNanos = now;
            if (acks.isEmpty()) {
                return;
            }
            queue.addAll(acks);
            slice = Math.max(MIN_SLICE, (queue.size() + SLICES - 1) / SLICES);
            lock.notifyAll();
        }
    }

    private void run() {
        while (true) {
            MqttReceivedMessage.Ack[] batch;
            long pauseAfter;
            boolean more;
            boolean closing;
            synchronized (lock) {
                while (queue.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // Only close ends this thread: acks of completed checkpoints are still owed.
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                closing = closed;
                int n = closing ? queue.size() : Math.min(slice, queue.size());
                batch = new MqttReceivedMessage.Ack[n];
                for (int i = 0; i < n; i++) {
                    batch[i] = queue.poll();
                }
                more = !queue.isEmpty();
                pauseAfter = pauseNanos;
            }
            acknowledge(batch, more);
            if (more && !closing) {
                pause.accept(pauseAfter);
            }
        }
    }

    private void acknowledge(MqttReceivedMessage.Ack[] acks, boolean more) {
        for (MqttReceivedMessage.Ack ack : acks) {
            if (!ack.acknowledge()) {
                ignored++;
            }
        }
        if (!more && ignored > 0) {
            LOG.info("{} acknowledgements belonged to a lost connection; the broker redelivers those messages", ignored);
            ignored = 0;
        }
    }

    /** Sends what is queued without pauses, then ends the thread (waits at most 10 s for it). */
    @Override
    public void close() throws InterruptedException {
        if (thread == null) {
            return;
        }
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        thread.join(CLOSE_TIMEOUT_MS);
        if (thread.isAlive()) {
            LOG.warn("Acknowledgements still being sent after {} ms at close; the broker redelivers the messages not acknowledged",
                    CLOSE_TIMEOUT_MS);
        }
    }
}
