package io.mqttbridge.tests.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU and heap of this JVM over a measured window: process CPU time per wall-clock second (in
 * cores, of {@link Runtime#availableProcessors()}), and the heap sampled every {@code periodMillis}:
 * in use, and in use after the last collection (the live set, whose trend shows a leak); and the
 * stop-the-world collections, whose pauses hold up every thread of the JVM and so show in latency.
 */
final class JvmProbe implements AutoCloseable {

    /** One heap sample: seconds since the start, MB in use, MB in use after the last collection. */
    record HeapSample(double seconds, double usedMb, double afterGcMb) {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long startNanos = System.nanoTime();
    private final long startCpuNanos = OS.getProcessCpuTime();
    private final List<HeapSample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private final NotificationListener gcListener = (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            // G1's concurrent cycle runs beside the application; only the other collectors' durations are pauses
            if (!info.getGcName().contains("Concurrent")) {
                recordPause(info.getGcInfo().getDuration());
            }
        }
    };
    private volatile long endNanos;
    private volatile long endCpuNanos;
    private long gcPauses;
    private long gcMaxMs;

    private JvmProbe(long periodMillis) {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(gcListener, null, null);
        }
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "benchmark-jvm-probe");
        sampler.setDaemon(true);
        sampler.start();
    }

    static JvmProbe start(long periodMillis) {
        return new JvmProbe(periodMillis);
    }

    private void sample() {
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage collected = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && collected != null) {
                afterGc += collected.getUsed();
            }
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        synchronized (samples) {
            samples.add(new HeapSample((System.nanoTime() - startNanos) / 1e9, used / 1048576.0, afterGc / 1048576.0));
        }
    }

    private synchronized void recordPause(long millis) {
        gcPauses++;
        gcMaxMs = Math.max(gcMaxMs, millis);
    }

    /** Stop-the-world collections since the start. */
    synchronized long gcPauses() {
        return gcPauses;
    }

    /** The longest stop-the-world collection since the start, in ms. */
    synchronized long gcMaxMs() {
        return gcMaxMs;
    }

    /** Cores busy on average from the start to {@link #close} (process CPU time / wall time), or to now while open. */
    double cpuCores() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        long endCpu = endNanos != 0 ? endCpuNanos : OS.getProcessCpuTime();
        return (endCpu - startCpuNanos) / (double) Math.max(1, end - startNanos);
    }

    /** The largest heap in use seen; samples once more first, so a run shorter than the period has a figure too. */
    double peakHeapMb() {
        sample();
        synchronized (samples) {
            return samples.stream().mapToDouble(HeapSample::usedMb).max().orElseThrow();
        }
    }

    List<HeapSample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            try {
                ((NotificationEmitter) gc).removeNotificationListener(gcListener);
            } catch (ListenerNotFoundException e) {
                // not registered with this collector: nothing to remove
            }
        }
        endCpuNanos = OS.getProcessCpuTime();
        endNanos = System.nanoTime();
        running = false;
        sampler.interrupt();
        sampler.join(5_000);
    }
}
