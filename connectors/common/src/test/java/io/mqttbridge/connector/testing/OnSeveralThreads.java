package io.mqttbridge.connector.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * Runs an action many times on several threads at once, as a client's callback threads call a sink's
 * metrics: lost updates of a counter that is not thread-safe show in the total.
 */
public final class OnSeveralThreads {

    private OnSeveralThreads() {}

    /** {@code times} calls of {@code action} on each of {@code threads} threads, started together; returns when all end. */
    public static void run(int threads, int times, Runnable action) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < times; i++) {
                    action.run();
                }
            });
            thread.start();
            started.add(thread);
        }
        for (Thread thread : started) {
            thread.join();
        }
    }
}
