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
        double heapMb) {

    String toLine() {
        return String.join("\t", broker, contender.name(), part, config, Long.toString(offered), Long.toString(published),
                Long.toString(lost), Long.toString(duplicates), format(rate), format(publishRate), Long.toString(p50),
                Long.toString(p99), Long.toString(max), format(cpuCores), format(heapMb));
    }

    static Measurement fromLine(String line) {
        String[] f = line.split("\t");
        return new Measurement(f[0], Contender.Kind.valueOf(f[1]), f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]),
                Long.parseLong(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]),
                Long.parseLong(f[10]), Long.parseLong(f[11]), Long.parseLong(f[12]), Double.parseDouble(f[13]),
                Double.parseDouble(f[14]));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
