package io.mqttbridge.tests.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's command line: {@code [--quick] [--brokers a,b] [--heap-minutes N] [--out DIR] [--no-function]}.
 * {@code --quick} runs a few seconds per configuration, on Mosquitto unless {@code --brokers} says
 * otherwise, and writes below tests/target (its figures are no results).
 */
record Settings(boolean quick, List<BrokerSetup> brokers, double heapMinutes, Path out, boolean function) {

    static final long SMALL_WINDOW_BACKLOG_CAP = 2_000;

    static Settings parse(String[] args, Path repository) {
        boolean quick = List.of(args).contains("--quick");
        List<BrokerSetup> brokers = quick ? List.of(BrokerSetup.MOSQUITTO) : List.of(BrokerSetup.values());
        double heapMinutes = quick ? 0.34 : 10;
        Path out = quick ? repository.resolve("tests/target/benchmarks-quick") : repository.resolve("docs");
        boolean function = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    break;
                case "--brokers":
                    brokers = new ArrayList<>();
                    for (String name : value(args, ++i).split(",")) {
                        brokers.add(BrokerSetup.parse(name.trim()));
                    }
                    break;
                case "--heap-minutes":
                    heapMinutes = Double.parseDouble(value(args, ++i));
                    break;
                case "--out":
                    out = Path.of(value(args, ++i)).toAbsolutePath();
                    break;
                case "--no-function":
                    function = false;
                    break;
                default:
                    throw new IllegalArgumentException("Unknown argument '" + args[i]
                            + "': expected --quick, --brokers a,b, --heap-minutes N, --out DIR or --no-function");
            }
        }
        return new Settings(quick, List.copyOf(brokers), heapMinutes, out, function);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("Option '" + args[i - 1] + "' needs a value");
        }
        return args[i];
    }

    /** The broker whose JVM also runs the heap run: Mosquitto when measured (its broker is outside the JVM). */
    BrokerSetup heapBroker() {
        return brokers.contains(BrokerSetup.MOSQUITTO) ? BrokerSetup.MOSQUITTO : brokers.get(0);
    }

    int warmupSeconds() {
        return quick ? 1 : 5;
    }

    int measureSeconds() {
        return quick ? 3 : 15;
    }

    /**
     * Offered loads for the latency runs on {@code broker}, as fractions of the slower of baseline and
     * mqtt-bridge at full rate: the curve on the heap broker (Mosquitto, where the latency goal is
     * measured), the goal's half rate elsewhere, and none where a small window is the limit (a few
     * hundred msg/s: the window would be measured, not the bridge). Together with the runs {@link
     * #windowLimited} skips, this took the suite from 56 minutes to 46.
     */
    double[] loadFractions(BrokerSetup broker) {
        if (windowLimited(broker)) {
            return new double[0];
        }
        return quick || broker != heapBroker() ? new double[] {0.5} : new double[] {0.25, 0.5, 0.75};
    }

    /**
     * A broker whose small in-flight window (HiveMQ CE's stock 50) limits every contender under ack-mode
     * checkpoint: there the suite measures the window (main runs and subscribers), not parallelism or the
     * cost of the filter.
     */
    static boolean windowLimited(BrokerSetup broker) {
        return broker.window() > 0 && broker.window() < 1_000;
    }

    /** Messages published but not yet arrived at which the publishers wait: bounds the backlog a slow contender must drain. */
    long backlogCap() {
        return quick ? 5_000 : 30_000;
    }

    /**
     * The backlog cap for {@code broker}: a small in-flight window (HiveMQ CE's stock 50) carries a few
     * hundred msg/s under ack-mode checkpoint, so the full cap would take minutes to drain per run.
     */
    long backlogCap(BrokerSetup broker) {
        return windowLimited(broker) ? Math.min(backlogCap(), SMALL_WINDOW_BACKLOG_CAP) : backlogCap();
    }

    /**
     * Interleaved {@link Rounds} on {@code broker}: of the filter variants, whose medians give the cost of the
     * WHERE, and, where there is more than one, of the hand-written bridge against the best setting. Three on the
     * heap broker (Mosquitto, where the goals are measured; one with --quick), none elsewhere or where the window
     * is the limit: with 15 s windows
     * this took the suite from 75 to 56 minutes, and leaving out the single filter round of the other brokers (a
     * sample too small to judge the cost by) saves about 3 of the 57 minutes the window runs had taken it to.
     */
    int rounds(BrokerSetup broker) {
        if (broker != heapBroker() || windowLimited(broker)) {
            return 0;
        }
        return quick ? 1 : 3;
    }

    /** Function sink: seconds per case. */
    int functionSeconds() {
        return quick ? 1 : 5;
    }
}
