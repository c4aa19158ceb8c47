package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.LoopbackBroker;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.benchmarks.Contender.Kind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The brokers' limits in interleaved rounds, behind {@code ./benchmark --limits [rounds]}: the goal
 * "the local stack's broker within 0.7 × of the fastest" compares brokers, and the suite measures each
 * once, in its own JVM, minutes apart, so its ratio carried the machine's drift (0.44 to 0.81 × in three
 * suite runs). Here every broker's limit (4 counting subscribers, full rate) is measured once per round,
 * each round starting with the next broker, each measurement in a fresh JVM (HiveMQ CE's window is a
 * static setting), and brokers are compared on their medians.
 */
final class BrokerLimitRounds {

    static final int DEFAULT_ROUNDS = 3;
    /** Unrecorded full runs before the recorded one, in each JVM; more while the JIT still compiles ({@link Runner#untilCompiled}). */
    static final int DEFAULT_WARM_UP_RUNS = 3;

    private BrokerLimitRounds() {}

    /** {@code [rounds [warm-up runs]]}, or (in a child JVM) {@code --child <broker> <round> <warm-up runs> <results file>}. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            measure(BrokerSetup.parse(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
            System.exit(0); // the broker's non-daemon threads
        }
        int rounds = args.length > 0 ? atLeast(args[0], 1, "a number of rounds") : DEFAULT_ROUNDS;
        int warmUpRuns = args.length > 1 ? atLeast(args[1], 0, "a number of unrecorded runs") : DEFAULT_WARM_UP_RUNS;
        Path work = Files.createDirectories(RepositoryRoot.path().resolve("tests/target/benchmarks-work"));
        Path results = work.resolve("limits.tsv");
        Files.deleteIfExists(results);
        List<BrokerSetup> brokers = List.of(BrokerSetup.values());
        for (int round = 1; round <= rounds; round++) {
            for (BrokerSetup setup : Rounds.order(brokers, round)) {
                int exit = BenchmarkSuite.runJvm(BrokerLimitRounds.class,
                        List.of("--child", setup.cliName(), String.valueOf(round), String.valueOf(warmUpRuns), results.toString()));
                if (exit != 0) {
                    System.out.printf("benchmark: the %s JVM of round %d ended with exit code %d%n", setup.cliName(), round, exit);
                }
            }
        }
        List<Measurement> runs = new ArrayList<>();
        if (Files.exists(results)) {
            Files.readAllLines(results).forEach(line -> runs.add(Measurement.fromLine(line)));
        }
        System.out.println();
        System.out.println(table(runs));
    }

    private static int atLeast(String value, int min, String expected) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid value '" + value + "' for option '--limits': expected " + expected + ", at least " + min);
    }

    /** One broker's limit, in this JVM, after runs that warm it up. */
    private static void measure(BrokerSetup setup, int round, int warmUpRuns, Path results) throws Exception {
        BenchmarkSuite.logToFile("benchmark-limits-" + setup.cliName());
        Settings settings = Settings.parse(new String[0], RepositoryRoot.path());
        Path folder = Files.createTempDirectory("benchmark-limits-" + setup.cliName());
        // Kafka idles here as it does beside the suite's limit runs
        try (LoopbackBroker broker = setup.start(folder); EmbeddedKafka kafka = EmbeddedKafka.start(0, folder.resolve("kafka"))) {
            Runner runner = new Runner(setup, broker.serverUri(), kafka, settings);
            Runner.Factory counting = (group, filter, topic) -> new CountingSubscribers(broker.serverUri(), group, filter, BrokerBenchmark.SUBSCRIBERS);
            // whole unrecorded runs besides the short warm-up: an embedded broker speeds up run by run while the JIT
            // compiles it (HiveMQ CE: 14,000-18,000 msg/s in the first full run after the warm-up, 20,000-23,000 in the
            // next; Artemis: 5,157, 4,970, 9,762, 17,488 and 23,199 msg/s in five runs of one JVM)
            String warmUp = "warm-up, not recorded";
            runner.run(Kind.LIMIT, warmUp, warmUp, 0, settings.warmupSeconds(), 500, samples -> {}, counting);
            Runner.untilCompiled(warmUpRuns, () -> runner.run(Kind.LIMIT, warmUp, warmUp, 0, counting));
            Measurement m = runner.run(Kind.LIMIT, Rounds.LIMITS.part, Rounds.config(setup.cliName(), round), 0, counting);
            Files.writeString(results, m.toLine() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** The brokers' rounds, medians and each median against the fastest one, as a Markdown table. */
    static String table(List<Measurement> runs) {
        // each measured broker's median, computed once; a broker without rounds gets no row
        Map<BrokerSetup, Double> medians = new EnumMap<>(BrokerSetup.class);
        for (BrokerSetup setup : BrokerSetup.values()) {
            Rounds.LIMITS.median(runs, setup.cliName()).ifPresent(median -> medians.put(setup, median));
        }
        double fastest = medians.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder table = new StringBuilder("| broker | msg/s per round | median msg/s | × fastest | lost | duplicates |\n"
                + "|---|---|---:|---:|---:|---:|\n");
        medians.forEach((setup, median) -> table.append(Rounds.LIMITS.row(runs, setup.cliName(), setup.title, median, fastest)).append('\n'));
        return table.toString();
    }
}
