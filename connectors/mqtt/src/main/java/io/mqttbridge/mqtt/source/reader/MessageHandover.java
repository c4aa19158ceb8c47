package io.mqttbridge.mqtt.source.reader;

import org.apache.flink.annotation.Internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounded queue from the MQTT client callbacks to the split fetcher. {@link #put} blocks while the
 * queue is full (never drops: the broker is held back by Receive Maximum meanwhile);
 * {@link #poll} waits up to a timeout and returns early on {@link #wakeUp}. After {@link #close}
 * puts are discarded: the reader is gone, and whatever was not acknowledged is redelivered.
 */
@Internal
public final class MessageHandover<E> {

    private final int capacity;
    private final ArrayDeque<E> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private boolean wakeUp;
    private boolean closed;

    public MessageHandover(int capacity) {
        this.capacity = capacity;
        this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** @return false if the handover was closed and the element not taken */
    public boolean put(E element) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queue.size() >= capacity && !closed) {
                notFull.await();
            }
            if (closed) {
                return false;
            }
            queue.add(element);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code max} elements; empty after the timeout, on wake-up or when closed. */
    public List<E> poll(int max, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty() && !wakeUp && !closed && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            wakeUp = false;
            List<E> batch = new ArrayList<>(Math.min(max, queue.size()));
            while (batch.size() < max && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            if (!batch.isEmpty()) {
                notFull.signalAll();
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    public void wakeUp() {
        lock.lock();
        try {
            wakeUp = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            notFull.signalAll();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
