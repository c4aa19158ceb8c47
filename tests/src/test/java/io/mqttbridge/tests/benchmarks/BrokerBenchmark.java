package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.LoopbackBroker;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.benchmarks.BridgeJob.Route;
import io.mqttbridge.tests.benchmarks.BridgeJob.Setting;
import io.mqttbridge.tests.benchmarks.Contender.Kind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration on one broker, in a JVM of its own (the suite starts one per broker: HiveMQ
 * CE's window is a static setting): {@code BrokerBenchmark <broker> <results file> <heap file>
 * <suite arguments...>}. Appends one {@link Measurement} line per run to the results file as it
 * goes, and the heap samples of the heap run to the heap file.
 */
public final class BrokerBenchmark {

    /** Subscribers and parallelism of the first configurations, and of the broker limit and baseline. */
    static final int SUBSCRIBERS = 4;
    private static final int PARALLELISM = 2;
    private static final String WARM_UP = "warm-up";
    /** The source's receive-maximum in the window runs: small enough that the window, not the machine, is the limit. */
    static final int CLIENT_WINDOW = 500;
    /** The window runs' offered load over the window's bound, so that a backlog waits at the broker throughout. */
    static final double WINDOW_OVERLOAD = 1.5;
    static final String WINDOW = "window";

    private final BrokerSetup setup;
    private final Settings settings;
    private final Path results;
    private final Path heapFile;
    private final Path folder;
    private Runner runner;
    private LoopbackBroker broker;
    private EmbeddedKafka kafka;

    private BrokerBenchmark(BrokerSetup setup, Settings settings, Path results, Path heapFile, Path folder) {
        this.setup = setup;
        this.settings = settings;
        this.results = results;
        this.heapFile = heapFile;
        this.folder = folder;
    }

    public static void main(String[] args) throws Exception {
        BenchmarkSuite.logToFile("benchmark-" + args[0]);
        String[] suiteArgs = List.of(args).subList(3, args.length).toArray(new String[0]);
        Settings settings = Settings.parse(suiteArgs, RepositoryRoot.path());
        Path folder = Files.createTempDirectory("benchmark-" + args[0]);
        new BrokerBenchmark(BrokerSetup.parse(args[0]), settings, Path.of(args[1]), Path.of(args[2]), folder).runAll();
        System.exit(0); // the MiniClusters' and brokers' non-daemon threads
    }

    private void runAll() throws Exception {
        try (LoopbackBroker b = setup.start(folder); EmbeddedKafka k = EmbeddedKafka.start(0, folder.resolve("kafka"))) {
            broker = b;
            kafka = k;
            runner = new Runner(setup, broker.serverUri(), kafka, settings);
            warmUp();
            record(runner.run(Kind.LIMIT, "main", SUBSCRIBERS + " subscribers", 0, this::counting));
            Measurement baseline = record(runner.run(Kind.BASELINE, "main", SUBSCRIBERS + " subscribers", 0, this::handWritten));

            Setting best = null;
            Measurement bestRun = null;
            for (String ackMode : List.of("checkpoint", "receipt")) {
                for (String interval : List.of("200 ms", "1 s")) {
                    Setting setting = new Setting(ackMode, interval, PARALLELISM, SUBSCRIBERS, Route.FILTER);
                    Measurement m = record(bridge("main", setting, 0));
                    // the best setting is the fastest at-least-once one ('receipt' may lose messages at a failure)
                    if (ackMode.equals("checkpoint") && (bestRun == null || m.rate() > bestRun.rate())) {
                        best = setting;
                        bestRun = m;
                    }
                }
            }
            for (int subscribers : new int[] {1, 16}) {
                record(bridge("subscribers", best.with(PARALLELISM, subscribers, Route.FILTER), 0));
            }
            if (!Settings.windowLimited(setup)) {
                record(bridge("parallelism", best.with(1, SUBSCRIBERS, Route.FILTER), 0));
            }
            if (setup.honoursReceiveMaximum()) {
                windowRuns();
            }
            // the cost of the WHERE: the variants in turn, several rounds, each starting with the next variant, so that
            // neither a drift of the machine nor a variant's place in the order favours one of them
            List<Route> variants = List.of(Route.FILTER, Route.PASS_THROUGH, Route.FILTER_HEAVY);
            int rounds = settings.rounds(setup);
            for (int round = 1; round <= rounds; round++) {
                for (Route route : Rounds.order(variants, round)) {
                    record(bridge(Rounds.FILTER.part, Rounds.config(route.title, round), best.with(PARALLELISM, SUBSCRIBERS, route), 0));
                }
            }
            // the goal against the hand-written bridge the same way: one run each, minutes apart, read the machine's drift too
            if (rounds > 1) {
                for (int round = 1; round <= rounds; round++) {
                    for (Kind kind : Rounds.order(List.of(Kind.BASELINE, Kind.BRIDGE), round)) {
                        String config = Rounds.config(kind.title, round);
                        record(kind == Kind.BASELINE
                                ? runner.run(kind, Rounds.HEAD_TO_HEAD.part, config, 0, this::handWritten)
                                : bridge(Rounds.HEAD_TO_HEAD.part, config, best, 0));
                    }
                }
            }

            // latency against offered load: the same loads for both, below what the slower of them carries
            double carried = Math.min(baseline.rate(), bestRun.rate());
            // and the best setting with ack-mode receipt: it checkpoints and flushes Kafka just the same, so the
            // difference between the two is what holding the acknowledgements until the checkpoint costs
            Setting receipt = best.withAckMode("receipt");
            for (double fraction : settings.loadFractions(setup)) {
                long offered = Math.max(10, Math.round(fraction * carried));
                record(runner.run(Kind.BASELINE, "load", SUBSCRIBERS + " subscribers", offered, this::handWritten));
                record(bridge("load", best, offered));
                record(bridge("load", receipt, offered));
            }
            if (setup == settings.heapBroker() && settings.heapMinutes() > 0) {
                heapRun(best, Math.max(10, Math.round(bestRun.rate() / 2)));
            }
        }
    }

    /**
     * Short runs of each contender, not recorded: the first runs of a JVM met a cold JIT (the broker limit
     * came out below both bridges on Artemis, and the first Mosquitto run at 0.7 of the later ones). The broker
     * limit's runs go on until the JIT has compiled the broker's path, as the limit is recorded next.
     */
    private void warmUp() throws Exception {
        int seconds = settings.warmupSeconds();
        String config = "warm-up, not recorded";
        Runner.untilCompiled(1, () -> runner.run(Kind.LIMIT, WARM_UP, config, 0, seconds, 500, samples -> {}, this::counting));
        runner.run(Kind.BASELINE, WARM_UP, config, 0, seconds, 500, samples -> {}, this::handWritten);
        Setting setting = new Setting("checkpoint", "1 s", PARALLELISM, SUBSCRIBERS, Route.FILTER);
        runner.run(Kind.BRIDGE, WARM_UP, config, 0, seconds, 500, samples -> {}, bridgeJob(setting));
    }

    /**
     * The bound a window sets under ack-mode checkpoint, on a broker that gives each subscriber the window its
     * source asks for: window × subscribers / interval, offered above it. Varies subscribers and interval.
     */
    private void windowRuns() throws Exception {
        Setting oneSecond = new Setting("checkpoint", "1 s", PARALLELISM, 1, Route.FILTER).withReceiveMaximum(CLIENT_WINDOW);
        Setting shortInterval = new Setting("checkpoint", "200 ms", PARALLELISM, SUBSCRIBERS, Route.FILTER).withReceiveMaximum(CLIENT_WINDOW);
        for (Setting setting : List.of(oneSecond, oneSecond.with(PARALLELISM, SUBSCRIBERS, Route.FILTER),
                oneSecond.with(PARALLELISM, 16, Route.FILTER), shortInterval)) {
            record(bridge(WINDOW, setting, Math.round(WINDOW_OVERLOAD * setting.windowLimit(setup.window()))));
        }
    }

    private Measurement bridge(String part, Setting setting, long offered) throws Exception {
        return bridge(part, setting.describe(), setting, offered);
    }

    private Measurement bridge(String part, String config, Setting setting, long offered) throws Exception {
        Measurement m = runner.run(Kind.BRIDGE, part, config, offered, bridgeJob(setting));
        return m.withWindowLimit(setting.windowLimit(setup.window()));
    }

    private void heapRun(Setting setting, long offered) throws Exception {
        List<String> lines = new ArrayList<>();
        record(runner.run(Kind.BRIDGE, "heap", setting.describe(), offered, settings.heapMinutes() * 60, 1000,
                samples -> samples.forEach(s -> lines.add(String.format(Locale.ROOT, "%.1f\t%.1f\t%.1f", s.seconds(), s.usedMb(), s.afterGcMb()))),
                bridgeJob(setting)));
        Files.write(heapFile, lines);
    }

    /** mqtt-bridge with {@code setting}, as a run's contender. */
    private Runner.Factory bridgeJob(Setting setting) {
        return (group, filter, topic) -> new BridgeJob(broker.serverUri(), group, filter, setting, kafka, topic, folder);
    }

    private Contender counting(String group, String filter, String topic) throws Exception {
        return new CountingSubscribers(broker.serverUri(), group, filter, SUBSCRIBERS);
    }

    private Contender handWritten(String group, String filter, String topic) throws Exception {
        return new HandWrittenBridge(broker.serverUri(), group, filter, SUBSCRIBERS, kafka, topic);
    }

    private Measurement record(Measurement m) throws IOException {
        Files.writeString(results, m.toLine() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return m;
    }
}
