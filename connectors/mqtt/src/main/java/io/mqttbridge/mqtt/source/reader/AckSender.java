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

/**
 * Sends the acknowledgements of completed checkpoints, oldest first, from a thread of its own and a
 * slice at a time, with a short pause between slices.
 *
 * <p>Why paced: a checkpoint releases every PUBACK since the previous one at once, thousands per
 * connection. The MQTT client writes and flushes each on the connection's event loop, and the broker
 * handles each; messages arriving meanwhile wait behind them. Sent all at once they made the slowest
 * percent of messages late once per checkpoint (docs/benchmarks.md, "Latency"). A slice is at least
 * {@value #MIN_SLICE} acks, and large enough that any backlog goes out within {@value #SLICES}
 * slices, so pacing never lets acks fall behind the input.
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
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final Object lock = new Object();
    private final ArrayDeque<MqttReceivedMessage.Ack> queue = new ArrayDeque<>();
    private final Runnable pause;
    @Nullable private final Thread thread;
    // queue, slice, closed: only under lock. ignored: the sending thread's.
    private int slice = MIN_SLICE;
    private boolean closed;
    private long ignored;

    private AckSender(String threadName, Runnable pause) {
        this.pause = pause;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends in the caller's thread, in one go. */
    private AckSender() {
        this.pause = () -> {};
        this.thread = null;
    }

    static AckSender start(String threadName) {
        return new AckSender(threadName, () -> LockSupport.parkNanos(PAUSE_NANOS));
    }

    /** With {@code pause} run between slices instead of sleeping: a test sees where the slices end. */
    @VisibleForTesting
    static AckSender start(String threadName, Runnable pause) {
        return new AckSender(threadName, pause);
    }

    /** Sends every ack in the calling thread before {@link #send} returns: for tests of the bookkeeping around it. */
    @VisibleForTesting
    static AckSender inCallingThread() {
        return new AckSender();
    }

    /** Queues {@code acks} behind those queued before; ignored after {@link #close}. */
    void send(List<MqttReceivedMessage.Ack> acks) {
        if (acks.isEmpty()) {
            return;
        }
        if (thread == null) {
            acknowledge(acks.toArray(new MqttReceivedMessage.Ack[0]), false);
            return;
        }
        synchronized (lock) {
            if (closed) {
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
            }
            acknowledge(batch, more);
            if (more && !closing) {
                pause.run();
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
