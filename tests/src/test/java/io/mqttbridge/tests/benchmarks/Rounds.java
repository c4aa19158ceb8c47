package io.mqttbridge.tests.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Runs compared in interleaved rounds, each round starting with the next contestant (a, b, c; b, c,
 * a; ...). A single run each compared runs minutes apart on a machine whose speed drifts (the same
 * two contenders came out between 0.69 and 1.03 × of each other in three rounds of one JVM); the
 * median of the rounds does not depend on one of them. A contestant is named by a label: a route's
 * title, or a contender's.
 */
enum Rounds {
    /** The cost of a route's WHERE: the best setting with each {@link BridgeJob.Route}. */
    FILTER("filter", Arrays.stream(BridgeJob.Route.values()).map(route -> route.title).toList()),
    /** The hand-written bridge against mqtt-bridge's best setting, at full rate. */
    HEAD_TO_HEAD("head-to-head", List.of(Contender.Kind.BASELINE.title, Contender.Kind.BRIDGE.title)),
    /** The brokers' limits, each broker in a JVM of its own ({@link BrokerLimitRounds}); labelled by {@link BrokerSetup#cliName()}. */
    LIMITS("broker limits", Arrays.stream(BrokerSetup.values()).map(BrokerSetup::cliName).toList());

    /** The {@link Measurement#part()} of these runs. */
    final String part;
    /** The labels of the contestants, in the order of the first round. */
    final List<String> contestants;

    Rounds(String part, List<String> contestants) {
        this.part = part;
        this.contestants = contestants;
    }

    /** Whether {@code m} is a run of any rounds: those are shown apart from the single runs. */
    static boolean isRound(Measurement m) {
        for (Rounds rounds : values()) {
            if (m.part().equals(rounds.part)) {
                return true;
            }
        }
        return false;
    }

    /** Round {@code round} of {@code contestants}, each starting with the next. */
    static <T> List<T> order(List<T> contestants, int round) {
        int n = contestants.size();
        return IntStream.range(0, n).mapToObj(i -> contestants.get((i + round - 1) % n)).toList();
    }

    static String config(String label, int round) {
        return String.format(Locale.ROOT, "%s, round %d", label, round);
    }

    /** This contestant's runs, in round order. */
    List<Measurement> of(List<Measurement> runs, String label) {
        return runs.stream().filter(m -> m.part().equals(part) && m.config().startsWith(label + ", round ")).toList();
    }

    /** The median msg/s of this contestant's rounds; empty when it has none. */
    Optional<Double> median(List<Measurement> runs, String label) {
        double[] sortedRates = of(runs, label).stream().mapToDouble(Measurement::rate).sorted().toArray();
        if (sortedRates.length == 0) {
            return Optional.empty();
        }
        int mid = sortedRates.length / 2;
        return Optional.of(sortedRates.length % 2 == 1 ? sortedRates[mid] : (sortedRates[mid - 1] + sortedRates[mid]) / 2);
    }

    /** The rounds' msg/s as "a / b / c". */
    String rates(List<Measurement> runs, String label) {
        return String.join(" / ", of(runs, label).stream().map(m -> BenchmarkSuite.format(m.rate())).toList());
    }

    /**
     * A Markdown row of this contestant's rounds: {@code | name | msg/s per round | median | median / reference | lost | duplicates |}.
     */
    String row(List<Measurement> runs, String label, String name, double median, double reference) {
        List<Measurement> of = of(runs, label);
        return String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %d | %d |", name, rates(runs, label), BenchmarkSuite.format(median),
                median / reference, of.stream().mapToLong(Measurement::lost).sum(), of.stream().mapToLong(Measurement::duplicates).sum());
    }
}
