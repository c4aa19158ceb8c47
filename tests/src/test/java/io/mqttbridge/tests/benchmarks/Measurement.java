package io.mqttbridge.tests.benchmarks;

import java.util.Locale;

/**
 * One run of one configuration: what was offered and published, what arrived (rate, loss,
 * duplicates), publish-to-Kafka latency and the JVM's CPU and heap. A child JVM writes these as
 * tab-separated lines, the suite reads them back for the tables and charts.
 *
 * @param broker the {@link BrokerSetup} name
 * @param contender who carried the messages
 * @param part which part of the suite: main, subscribers, parallelism, filter, load, heap
 * @param config the configuration in words ("checkpoint 200 ms, p=2, 4 subscribers")
 * @param offered the offered rate in msg/s, 0 for as fast as the broker accepts
 * @param published messages the broker acknowledged to the publishers
 * @param lost published messages not found at the end (in Kafka, or at the counting subscriber)
 * @param duplicates messages that arrived more than once
 * @param rate messages per second that arrived during the measured window
 * @param publishRate messages per second the broker accepted during the measured window
 * @param p50 latency percentiles and maximum in ms, publish to Kafka; -1 where not measured
 * @param cpuCores process CPU time per wall second over the run
 * @param heapMb peak heap in use during the run
 * @param gcPauses stop-the-world collections during the measured window
 * @param gcMaxMs the longest of them in ms
 * @param slowBursts the slowest 1 % of the window's messages (latency at least p99), grouped by Kafka append time
 *     into bursts (gaps over {@link ReadBack#BURST_GAP_MS} ms apart); -1 where not measured
 * @param burstSpacingMs the median time from one such burst to the next; -1 where fewer than two
 * @param windowLimit what an in-flight window (HiveMQ CE's own, or the source's receive-maximum) allows under ack-mode
 *     checkpoint, window × subscribers / checkpoint interval, in msg/s; 0 where it does not apply
 */
record Measurement(
        String broker,
        Contender.Kind contender,
        String part,
        String config,
        long offered,
        long published,
        long lost,
        long duplicates,
        double rate,
        double publishRate,
        long p50,
        long p99,
        long max,
        double cpuCores,
        double heapMb,
        long gcPauses,
        long gcMaxMs,
        long slowBursts,
        long burstSpacingMs,
        double windowLimit) {

    Measurement withWindowLimit(double limit) {
        return new Measurement(broker, contender, part, config, offered, published, lost, duplicates, rate, publishRate, p50,
                p99, max, cpuCores, heapMb, gcPauses, gcMaxMs, slowBursts, burstSpacingMs, limit);
    }

    String toLine() {
        return String.join("\t", broker, contender.name(), part, config, Long.toString(offered), Long.toString(published),
                Long.toString(lost), Long.toString(duplicates), format(rate), format(publishRate), Long.toString(p50),
                Long.toString(p99), Long.toString(max), format(cpuCores), format(heapMb), Long.toString(gcPauses), Long.toString(gcMaxMs), Long.toString(slowBursts),
                Long.toString(burstSpacingMs), format(windowLimit));
    }

    static Measurement fromLine(String line) {
        String[] f = line.split("\t");
        return new Measurement(f[0], Contender.Kind.valueOf(f[1]), f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]),
                Long.parseLong(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]),
                Long.parseLong(f[10]), Long.parseLong(f[11]), Long.parseLong(f[12]), Double.parseDouble(f[13]),
                Double.parseDouble(f[14]), Long.parseLong(f[15]), Long.parseLong(f[16]), Long.parseLong(f[17]),
                Long.parseLong(f[18]), Double.parseDouble(f[19]));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
