package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.NumberedSequence;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs one configuration against one broker: waits until the contender delivers a probe, publishes
 * the workload (QoS 1, {@link Payloads}) from several publishers for a warm-up and the measured
 * window, drains, then verifies that every published message arrived and counts duplicates.
 */
final class Runner {

    /** Builds the contender of a run from its shared group, topic filter and Kafka topic. */
    interface Factory {
        Contender create(String group, String topicFilter, String kafkaTopic) throws Exception;
    }

    private static final int PUBLISHERS = 4;
    private static final long DRAIN_SECONDS = 180;
    /**
     * A JVM counts as warm once the JIT compiled for at most this share of a run's time: at full rate
     * Artemis's JVM kept a compiler thread busy for about 75 s and doubled its rate run by run until then
     * (55,000-68,000 msg/s after, against about 44,000 after three runs), HiveMQ CE's was done in about 15 s.
     */
    static final double COMPILING_SHARE = 0.10;
    /** Unrecorded runs beyond the ones asked for, at most, so that a JVM that never settles still gets measured. */
    static final int MAX_RUNS_WHILE_COMPILING = 6;

    private final BrokerSetup setup;
    private final String serverUri;
    private final EmbeddedKafka kafka;
    private final Settings settings;
    private int runs;

    Runner(BrokerSetup setup, String serverUri, EmbeddedKafka kafka, Settings settings) {
        this.setup = setup;
        this.serverUri = serverUri;
        this.kafka = kafka;
        this.settings = settings;
    }

    Measurement run(Contender.Kind kind, String part, String config, long offered, Factory factory) throws Exception {
        return run(kind, part, config, offered, settings.measureSeconds(), 500, samples -> {}, factory);
    }

    /**
     * One run; {@code offered} msg/s (0 = as fast as the broker accepts), measured for {@code
     * seconds} after the warm-up, heap sampled every {@code sampleMillis} and handed to {@code heap}.
     */
    Measurement run(Contender.Kind kind, String part, String config, long offered, double seconds, long sampleMillis,
            Consumer<List<JvmProbe.HeapSample>> heap, Factory factory) throws Exception {
        String id = setup.cliName().replace("-", "") + "r" + (++runs);
        String kafkaTopic = kind == Contender.Kind.LIMIT ? null : "bench-" + id;
        if (kafkaTopic != null) {
            createTopic(kafkaTopic);
        }
        String topic = "bench/" + id + "/data";
        System.out.printf(Locale.ROOT, "benchmark: %s, %s: %s, %s%n", setup.cliName(), kind.title, config,
                offered == 0 ? "full rate" : offered + " msg/s offered");
        List<MqttTestPublisher> publishers = new ArrayList<>();
        try (Contender contender = factory.create("bench-" + id, "bench/" + id + "/#", kafkaTopic)) {
            for (int i = 0; i < PUBLISHERS; i++) {
                publishers.add(MqttTestPublisher.connect(serverUri, "bench-pub-" + id + "-" + i));
            }
            long ready = awaitDelivery(contender, publishers.get(0), topic);
            NumberedSequence sequence = MqttTestPublisher.startSequence(
                    publishers, topic, Long.MAX_VALUE, (int) offered, n -> payload(n, contender, ready));
            Thread.sleep(settings.warmupSeconds() * 1000L);
            long windowStart = System.currentTimeMillis();
            long acked0 = sequence.acknowledged();
            long arrived0 = contender.arrived();
            JvmProbe probe = JvmProbe.start(sampleMillis);
            sleepChecking(contender, (long) (seconds * 1000));
            long windowEnd = System.currentTimeMillis();
            long acked1 = sequence.acknowledged();
            long arrived1 = contender.arrived();
            probe.close();
            heap.accept(probe.samples());
            sequence.stop();
            long last = awaitAcknowledged(sequence);
            double measured = (windowEnd - windowStart) / 1000.0;
            Measurement m = kafkaTopic == null
                    ? counted(kind, part, config, offered, contender, ready, last, measured, arrived1 - arrived0, acked1 - acked0, probe)
                    : readBack(kind, part, config, offered, contender, ready, last, windowStart, windowEnd, acked1 - acked0, probe);
            System.out.printf(Locale.ROOT, "benchmark:   %.0f msg/s (published %.0f msg/s), lost %d, duplicates %d, latency p50/p99/max %d/%d/%d ms, "
                    + "slowest 1 %% in %d bursts %d ms apart, %d GC pauses (max %d ms)%n", m.rate(), m.publishRate(), m.lost(),
                    m.duplicates(), m.p50(), m.p99(), m.max(), m.slowBursts(), m.burstSpacingMs(), m.gcPauses(), m.gcMaxMs());
            return m;
        } finally {
            publishers.forEach(MqttTestPublisher::close);
        }
    }

    private Measurement counted(Contender.Kind kind, String part, String config, long offered, Contender contender, long ready,
            long last, double measured, long arrivedInWindow, long ackedInWindow, JvmProbe probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        while (contender.arrived() - ready < last && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // late duplicates
        long counted = contender.arrived() - ready;
        return new Measurement(setup.name(), kind, part, config, offered, last, Math.max(0, last - counted),
                Math.max(0, counted - last), arrivedInWindow / measured, ackedInWindow / measured, -1, -1, -1,
                probe.cpuCores(), probe.peakHeapMb(), probe.gcPauses(), probe.gcMaxMs(), -1, -1, 0);
    }

    private Measurement readBack(Contender.Kind kind, String part, String config, long offered, Contender contender, long ready,
            long last, long windowStart, long windowEnd, long ackedInWindow, JvmProbe probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        try (ReadBack read = new ReadBack(kafka, contender.topic(), windowStart, windowEnd)) {
            while (true) {
                contender.checkRunning();
                if (contender.arrived() - ready >= last) {
                    read.readToEnd();
                    if (read.missing(last) == 0) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    read.readToEnd();
                    break;
                }
                Thread.sleep(200);
            }
            double measured = (windowEnd - windowStart) / 1000.0;
            long[] latency = read.percentiles();
            long[] bursts = read.slowBursts();
            return new Measurement(setup.name(), kind, part, config, offered, last, read.missing(last), read.duplicates(),
                    read.appendedInWindow() / measured, ackedInWindow / measured, latency[0], latency[1], latency[2],
                    probe.cpuCores(), probe.peakHeapMb(), probe.gcPauses(), probe.gcMaxMs(), bursts[0], bursts[1], 0);
        }
    }

    /**
     * Runs the unrecorded {@code run} {@code runs} times, then again while the JIT compiled for more than
     * {@link #COMPILING_SHARE} of the last run's time, at most {@link #MAX_RUNS_WHILE_COMPILING} more.
     */
    static void untilCompiled(int runs, Callable<Measurement> run) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        untilCompiled(runs, run, jit::getTotalCompilationTime, System::nanoTime); // all compiler threads together
    }

    /** As {@link #untilCompiled(int, Callable)}, with the JIT's total compile time and the clock given. */
    static int untilCompiled(int runs, Callable<Measurement> run, LongSupplier compiledMs, LongSupplier nanoTime) throws Exception {
        double compiling = Double.MAX_VALUE;
        int i = 0;
        for (; i < runs || (compiling > COMPILING_SHARE && i < runs + MAX_RUNS_WHILE_COMPILING); i++) {
            long compiledBefore = compiledMs.getAsLong();
            long start = nanoTime.getAsLong();
            run.call();
            long elapsedMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - start));
            compiling = (compiledMs.getAsLong() - compiledBefore) / (double) elapsedMs;
            System.out.printf(Locale.ROOT, "benchmark:   the JIT compiled for %.0f %% of that run's time%n", 100 * compiling);
        }
        return i;
    }

    /** The payload of number {@code n}; waits first while the contender is more than the backlog cap behind. */
    private String payload(long n, Contender contender, long ready) {
        if (n % 500 == 0) {
            try {
                while (n - (contender.arrived() - ready) > settings.backlogCap(setup)) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the run is being abandoned
            }
        }
        return Payloads.json(n);
    }

    /** Probes until one arrives (a message published before the subscription is not delivered); returns what had arrived then. */
    private static long awaitDelivery(Contender contender, MqttTestPublisher publisher, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (contender.arrived() == 0) {
            contender.checkRunning();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No probe arrived within 180 s: is the contender subscribed?");
            }
            publisher.publish(topic, Payloads.json(-1), 1);
            Thread.sleep(200);
        }
        Thread.sleep(2_000); // the other members of the shared group connect; late probes arrive
        return contender.arrived();
    }

    /** Waits for the broker's acknowledgements of the stopped sequence; returns its last number. */
    private static long awaitAcknowledged(NumberedSequence sequence) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sequence.acknowledged() < sequence.sent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return sequence.sent();
    }

    private static void sleepChecking(Contender contender, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            contender.checkRunning();
            Thread.sleep(Math.min(500, Math.max(1, end - System.currentTimeMillis())));
        }
    }

    /** Two partitions (parallelism 2); LogAppendTime, so that record timestamps say when Kafka had the record. */
    private void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime"))))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
    }
}
