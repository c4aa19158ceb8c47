package io.mqttbridge.tests.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU and heap of this JVM over a measured window: process CPU time per wall-clock second (in
 * cores, of {@link Runtime#availableProcessors()}), and the heap sampled every {@code periodMillis}:
 * in use, and in use after the last collection (the live set, whose trend shows a leak).
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

    private JvmProbe(long periodMillis) {
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

    /** Cores busy on average since the start (process CPU time / wall time). */
    double cpuCores() {
        return (OS.getProcessCpuTime() - startCpuNanos) / (double) Math.max(1, System.nanoTime() - startNanos);
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
        running = false;
        sampler.interrupt();
        sampler.join(5_000);
    }
}
