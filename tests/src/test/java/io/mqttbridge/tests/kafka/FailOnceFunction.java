package io.mqttbridge.tests.kafka;

import org.apache.flink.table.functions.ScalarFunction;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SQL function {@code fail_once(x)}: TRUE for every row, except that once armed it throws a single
 * time after {@link #arm(int) n} further rows - a task failure in the middle of a stream. State is
 * static: the MiniCluster runs in the test's JVM and class loader.
 */
public class FailOnceFunction extends ScalarFunction {

    private static final AtomicBoolean ARMED = new AtomicBoolean();
    private static final AtomicInteger ROWS = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();
    private static volatile int failAfter;

    static void arm(int rows) {
        failAfter = rows;
        ROWS.set(0);
        FAILURES.set(0);
        ARMED.set(true);
    }

    static void disarm() {
        ARMED.set(false);
    }

    static int failures() {
        return FAILURES.get();
    }

    public boolean eval(String ignored) {
        if (ARMED.get() && ROWS.incrementAndGet() > failAfter && ARMED.compareAndSet(true, false)) {
            FAILURES.incrementAndGet();
            throw new IllegalStateException("Injected failure after " + failAfter + " rows (test)");
        }
        return true;
    }
}
