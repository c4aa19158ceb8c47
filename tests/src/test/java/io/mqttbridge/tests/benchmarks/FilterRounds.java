package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.tests.benchmarks.BridgeJob.Route;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The runs that measure the cost of a route's WHERE: the same setting with each {@link Route}, in
 * interleaved rounds, each starting with the next variant (filter, pass, heavy; pass, heavy,
 * filter; ...). A single run
 * per variant compared runs minutes apart on a machine whose speed drifts; the median of the
 * rounds does not depend on one of them.
 */
final class FilterRounds {

    /** The {@link Measurement#part()} of these runs. */
    static final String PART = "filter";

    private FilterRounds() {}

    static String config(Route route, int round) {
        return String.format(Locale.ROOT, "%s, round %d", route.title, round);
    }

    /** This route's runs, in round order. */
    static List<Measurement> of(List<Measurement> runs, Route route) {
        return runs.stream().filter(m -> m.part().equals(PART) && m.config().startsWith(route.title + ", round ")).toList();
    }

    /** The median msg/s of this route's rounds; empty when it has none. */
    static Optional<Double> median(List<Measurement> runs, Route route) {
        double[] rates = of(runs, route).stream().mapToDouble(Measurement::rate).sorted().toArray();
        if (rates.length == 0) {
            return Optional.empty();
        }
        int mid = rates.length / 2;
        return Optional.of(rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2);
    }

    /** The rounds' msg/s as "a / b / c". */
    static String rates(List<Measurement> runs, Route route) {
        return String.join(" / ", of(runs, route).stream().map(m -> BenchmarkSuite.format(m.rate())).toList());
    }
}
