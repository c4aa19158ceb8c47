package io.mqttbridge.tests.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU and heap of this JVM over a measured window: process CPU time per wall-clock second (in
 * cores, of {@link Runtime#availableProcessors()}), and the heap sampled every {@code periodMillis}:
 * in use, and in use after the last collection (the live set, whose trend shows a leak); and the
 * stop-the-world pauses of the collector, which hold up every thread of the JVM and so show in latency.
 * The pauses come from JFR ({@code jdk.GCPhasePause}): on Java 17 the collectors' MXBeans report G1's
 * young and full collections but not the remark and cleanup pauses of its concurrent cycle, which
 * were among the longest in a recorded latency run (59 ms).
 */
final class JvmProbe implements AutoCloseable {

    /** One heap sample: seconds since the start, MB in use, MB in use after the last collection. */
    record HeapSample(double seconds, double usedMb, double afterGcMb) {}

    /** How long JFR may take to hand over an event: it flushes its buffers to a stream once a second. */
    private static final Duration STREAM_DELAY = Duration.ofSeconds(2);

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long startNanos = System.nanoTime();
    private final long startCpuNanos = OS.getProcessCpuTime();
    private final List<HeapSample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private final Instant start = Instant.now();
    private final RecordingStream pauses = new RecordingStream();
    private volatile Instant end;
    private volatile long endNanos;
    private volatile long endCpuNanos;
    private long gcPauses;
    private long gcMaxMs;

    private JvmProbe(long periodMillis) {
        pauses.enable("jdk.GCPhasePause");
        pauses.onEvent("jdk.GCPhasePause", this::recordPause);
        pauses.startAsync();
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

    private synchronized void recordPause(RecordedEvent pause) {
        Instant closed = end;
        if (pause.getStartTime().isBefore(start) || (closed != null && pause.getStartTime().isAfter(closed))) {
            return;
        }
        gcPauses++;
        gcMaxMs = Math.max(gcMaxMs, pause.getDuration().toMillis());
    }

    /** The collector's stop-the-world pauses from the start to {@link #close}; waits for JFR to hand them all over. */
    long gcPauses() throws InterruptedException {
        awaitPauses();
        synchronized (this) {
            return gcPauses;
        }
    }

    /** The longest of those pauses, in ms. */
    long gcMaxMs() throws InterruptedException {
        awaitPauses();
        synchronized (this) {
            return gcMaxMs;
        }
    }

    /** Lets JFR hand over the window's last pauses, then ends the stream (closing it again does nothing). */
    private void awaitPauses() throws InterruptedException {
        if (end == null) {
            throw new IllegalStateException("the pauses are counted once the probe is closed");
        }
        long wait = Duration.between(Instant.now(), end.plus(STREAM_DELAY)).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        pauses.close();
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
        end = Instant.now();
        endCpuNanos = OS.getProcessCpuTime();
        endNanos = System.nanoTime();
        running = false;
        sampler.interrupt();
        sampler.join(5_000);
    }
}
