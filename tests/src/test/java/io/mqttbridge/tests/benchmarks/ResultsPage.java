package io.mqttbridge.tests.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.mqttbridge.tests.benchmarks.BenchmarkSuite.format;

/**
 * The suite's section of docs/benchmarks.md, between {@link #BEGIN} and {@link #END}: the method
 * with this run's parameters, a table per broker with ratios to the hand-written bridge and the
 * broker limit of the same run, the filter cost, latency against offered load, heap and the
 * http-function sink. The rest of the page is left as it is.
 */
final class ResultsPage {

    static final String BEGIN = "<!-- benchmarks:begin -->";
    static final String END = "<!-- benchmarks:end -->";

    private final Settings settings;
    private final Map<BrokerSetup, List<Measurement>> results;
    private final List<FunctionSinkBenchmark.Row> function;
    private final List<String> heap;
    private final Instant started;
    private final double loadBefore;
    private final double loadAfter;
    private final StringBuilder out = new StringBuilder();

    ResultsPage(Settings settings, Map<BrokerSetup, List<Measurement>> results, List<FunctionSinkBenchmark.Row> function,
            List<String> heap, Instant started, double loadBefore, double loadAfter) {
        this.settings = settings;
        this.results = results;
        this.function = function;
        this.heap = heap;
        this.started = started;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
    }

    String render() {
        line("## The suite: MQTT → Kafka side by side");
        line("");
        line(String.format(Locale.ROOT, "Written by `./benchmark%s` (%s, run of %s, load average %.1f before and %.1f after, %d cores).",
                settings.quick() ? " --quick" : "", "io.mqttbridge.tests.benchmarks.BenchmarkSuite",
                started.truncatedTo(ChronoUnit.MINUTES), loadBefore, loadAfter, Runtime.getRuntime().availableProcessors()));
        line("");
        line(String.format(Locale.ROOT, "Method: every broker runs in a JVM of its own with a single-node KRaft Kafka (`EmbeddedKafka`); "
                + "4 publishers send QoS 1, %d-byte JSON messages carrying their send time, as fast as the broker accepts "
                + "(the publishers wait while more than %,d messages are on their way, %,d with HiveMQ CE's stock window, so a slow "
                + "contender drains in bounded time), "
                + "%d s of warm-up, then %d s measured; before its first measured run each JVM runs every contender once, "
                + "unrecorded, so that none meets a cold JIT, and the broker limit again until the JIT compiled for at most "
                + "%.0f %% of a run's time (at most %d runs more). msg/s = messages that reached Kafka (or the counter) during the measured "
                + "window. After publishing stops, every published message is looked up in Kafka: *lost* counts those missing, "
                + "*duplicates* those written twice. Latency = Kafka's append time (the topics use LogAppendTime) minus the "
                + "send time in the payload, over the messages sent in the window. CPU = process CPU time per wall second of the "
                + "whole JVM (broker when embedded, Kafka, Flink, publishers); heap = its peak in use. "
                + "Contenders: the **broker limit** (%d subscribers in a shared group that only count), the **hand-written "
                + "bridge** (the same subscribers, each message produced to Kafka with `acks=all` and acknowledged to MQTT only "
                + "when Kafka acknowledged it) and **mqtt-bridge** (`mqtt` table → `WHERE temp < 1000` → at-least-once "
                + "`kafka` table, through the routes runner on a MiniCluster). The best setting is the fastest `ack-mode = "
                + "'checkpoint'` one; it is varied in subscribers, parallelism and route.",
                Payloads.SIZE, settings.backlogCap(), Math.min(settings.backlogCap(), Settings.SMALL_WINDOW_BACKLOG_CAP), settings.warmupSeconds(), settings.measureSeconds(),
                100 * Runner.COMPILING_SHARE, Runner.MAX_RUNS_WHILE_COMPILING, 4));
        for (Map.Entry<BrokerSetup, List<Measurement>> broker : results.entrySet()) {
            broker(broker.getKey(), broker.getValue());
        }
        if (!heap.isEmpty()) {
            heapSection();
        }
        if (!function.isEmpty()) {
            line("");
            line("### http-function sink");
            line("");
            line(String.format(Locale.ROOT, "As described under [http-function sink](#http-function-sink), %d s per case, endpoint latency 20 ms:",
                    settings.functionSeconds()));
            line("");
            line(FunctionSinkBenchmark.HEADER);
            function.forEach(row -> line(row.toMarkdown()));
        }
        return out.toString();
    }

    private void broker(BrokerSetup setup, List<Measurement> runs) {
        line("");
        line("### " + setup.title);
        line("");
        if (runs.isEmpty()) {
            line("No run completed (see the suite's console output).");
            return;
        }
        Optional<Measurement> limit = first(runs, Contender.Kind.LIMIT, "main");
        Optional<Measurement> baseline = first(runs, Contender.Kind.BASELINE, "main");
        boolean windowed = setup.window() > 0;
        line("| contender | configuration | msg/s | × hand-written | × broker limit | published msg/s | p50 ms | p99 ms | max ms | lost | duplicates | CPU cores | heap MB |"
                + (windowed ? " window × subscribers / interval | × that |" : ""));
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + (windowed ? "---:|---:|" : ""));
        for (Measurement m : runs) {
            if (m.offered() == 0 && !Rounds.isRound(m)) {
                row(m, baseline, limit, windowed);
            }
        }
        if (windowed) {
            line("");
            line(String.format(Locale.ROOT, "HiveMQ CE sends a subscriber at most %,d messages before one is acknowledged; under ack-mode "
                    + "checkpoint a message is acknowledged when the checkpoint after it completes. The column is the bound this "
                    + "sets if every subscriber of the shared group has a window of its own, window × subscribers / checkpoint "
                    + "interval, and *× that* compares the route with it; [brokers.md](brokers.md#hivemq-ce) says what the runs "
                    + "show and which settings lift it."
                    + (Settings.windowLimited(setup) ? " With a window this small every contender carries a few hundred msg/s, "
                            + "so here the suite measures the window only: no parallelism, filter or latency runs." : ""),
                    setup.window()));
        }
        clientWindow(runs);
        headToHead(runs);
        filterCost(runs);
        List<Measurement> load = runs.stream().filter(m -> m.part().equals("load")).toList();
        if (!load.isEmpty()) {
            line("");
            line("Latency against offered load (the same loads for each, below what the slower of the hand-written bridge and "
                    + "the best setting carried at full rate). The best setting runs again with ack-mode `receipt`, which checkpoints "
                    + "and flushes Kafka just the same: the difference between the two is what holding the acknowledgements until "
                    + "the checkpoint costs. *× hand-written*: p50 and p99 against the hand-written bridge's at the same load. "
                    + "*Slow bursts*: the messages at or above the p99 latency, grouped by when Kafka appended them (more than "
                    + ReadBack.BURST_GAP_MS + " ms apart = two bursts), and the median time from one burst to the next; "
                    + "*GC*: the collector's stop-the-world pauses in the JVM during the window (JFR's, so G1's remark and "
                    + "cleanup pauses count too) and the longest of them.");
            line("");
            line("| contender | configuration | offered msg/s | msg/s | p50 ms | p99 ms | max ms | p50 × hand-written | p99 × hand-written | slow bursts | burst spacing ms | GC pauses | longest GC ms | lost | duplicates |");
            line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Measurement m : load) {
                Optional<Measurement> handWritten = load.stream()
                        .filter(b -> b.contender() == Contender.Kind.BASELINE && b.offered() == m.offered()).findFirst();
                line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %d | %d | %s | %s | %s | %s | %d | %d | %d | %d |",
                        m.contender().title, m.config(), format(m.offered()), format(m.rate()), m.p50(), m.p99(), m.max(),
                        latencyRatio(m.p50(), handWritten.map(Measurement::p50)), latencyRatio(m.p99(), handWritten.map(Measurement::p99)),
                        ms(m.slowBursts()), ms(m.burstSpacingMs()), m.gcPauses(), m.gcMaxMs(), m.lost(), m.duplicates()));
            }
        }
        line("");
        line("![throughput](benchmarks/throughput-" + setup.cliName() + ".png)");
        if (!load.isEmpty()) {
            line("![latency against offered load](benchmarks/latency-" + setup.cliName() + ".png)");
        }
    }

    private void row(Measurement m, Optional<Measurement> baseline, Optional<Measurement> limit, boolean windowed) {
        String window = !windowed ? "" : m.windowLimit() > 0
                ? String.format(Locale.ROOT, " %s | %.2f |", format(m.windowLimit()), m.rate() / m.windowLimit())
                : " – | – |";
        line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %.2f | %.0f |%s",
                m.contender().title, m.config(), format(m.rate()), ratio(m, baseline), ratio(m, limit), format(m.publishRate()),
                ms(m.p50()), ms(m.p99()), ms(m.max()), m.lost(), m.duplicates(), m.cpuCores(), m.heapMb(), window));
    }

    /** The window runs: what the source's receive-maximum allows under ack-mode checkpoint against what the route carried. */
    private void clientWindow(List<Measurement> runs) {
        List<Measurement> window = runs.stream().filter(m -> m.part().equals(BrokerBenchmark.WINDOW)).toList();
        if (window.isEmpty()) {
            return;
        }
        line("");
        line(String.format(Locale.ROOT, "The source's window (`'receive-maximum' = '%d'`, ack-mode `checkpoint`): this broker sends each "
                + "subscriber at most that many messages before one is acknowledged, and the source acknowledges them when the "
                + "checkpoint after them completes, so a route carries at most window × subscribers / checkpoint interval. "
                + "Offered %.1f × that, so that a backlog waits at the broker throughout:", BrokerBenchmark.CLIENT_WINDOW,
                BrokerBenchmark.WINDOW_OVERLOAD));
        line("");
        line("| configuration | offered msg/s | msg/s | window × subscribers / interval | × that | lost | duplicates |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (Measurement m : window) {
            line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %d | %d |", m.config(), format(m.offered()), format(m.rate()),
                    format(m.windowLimit()), m.rate() / m.windowLimit(), m.lost(), m.duplicates()));
        }
    }

    /** The hand-written bridge against the best setting in rounds: msg/s per round, the medians and each round's ratio. */
    private void headToHead(List<Measurement> runs) {
        // the contestants' labels: the hand-written bridge first, the ratios' baseline
        List<String> labels = Rounds.HEAD_TO_HEAD.contestants;
        List<Optional<Double>> medians = labels.stream().map(label -> Rounds.HEAD_TO_HEAD.median(runs, label)).toList();
        if (medians.stream().anyMatch(Optional::isEmpty)) {
            return;
        }
        double baseline = medians.get(0).get();
        line("");
        line(String.format(Locale.ROOT, "Against the hand-written bridge in rounds (%s, full rate): the two in turn, %d rounds, "
                + "each starting with the other one; *× hand-written* is the ratio of the medians:",
                bestSetting(runs), Rounds.HEAD_TO_HEAD.of(runs, labels.get(0)).size()));
        line("");
        line("| contender | msg/s per round | median msg/s | × hand-written | lost | duplicates |");
        line("|---|---|---:|---:|---:|---:|");
        for (int i = 0; i < labels.size(); i++) {
            line(Rounds.HEAD_TO_HEAD.row(runs, labels.get(i), labels.get(i), medians.get(i).get(), baseline));
        }
        line("");
        line("Each round's ratio: " + roundRatios(runs) + ".");
    }

    /** mqtt-bridge's msg/s over the hand-written bridge's, round by round, as "a / b / c". */
    static String roundRatios(List<Measurement> runs) {
        List<Measurement> handWritten = Rounds.HEAD_TO_HEAD.of(runs, Contender.Kind.BASELINE.title);
        List<Measurement> bridge = Rounds.HEAD_TO_HEAD.of(runs, Contender.Kind.BRIDGE.title);
        return String.join(" / ", IntStream.range(0, Math.min(handWritten.size(), bridge.size()))
                .mapToObj(i -> String.format(Locale.ROOT, "%.2f", bridge.get(i).rate() / handWritten.get(i).rate())).toList());
    }

    /** The filter rounds: each variant's msg/s per round, its median and the median's ratio to pass-through's. */
    private void filterCost(List<Measurement> runs) {
        Optional<Double> pass = Rounds.FILTER.median(runs, BridgeJob.Route.PASS_THROUGH.title);
        if (pass.isEmpty()) {
            return;
        }
        List<Measurement> rounds = Rounds.FILTER.of(runs, BridgeJob.Route.PASS_THROUGH.title);
        line("");
        line(String.format(Locale.ROOT, "Cost of the SQL WHERE (%s; every message passes every variant): the variants in turn, "
                + "%d round%s, lost and duplicates summed over the rounds:", bestSetting(runs), rounds.size(), rounds.size() == 1 ? "" : "s"));
        line("");
        line("| route | msg/s per round | median msg/s | × pass-through | lost | duplicates |");
        line("|---|---|---:|---:|---:|---:|");
        for (BridgeJob.Route route : BridgeJob.Route.values()) {
            List<Measurement> of = Rounds.FILTER.of(runs, route.title);
            Rounds.FILTER.median(runs, route.title).ifPresent(median -> line(String.format(Locale.ROOT, "| %s (`%s`) | %s | %s | %.2f | %d | %d |",
                    route.title, route.where.isEmpty() ? "no WHERE" : route.where, Rounds.FILTER.rates(runs, route.title), format(median),
                    median / pass.get(), of.stream().mapToLong(Measurement::lost).sum(), of.stream().mapToLong(Measurement::duplicates).sum())));
        }
    }

    /** The best setting's description: the configuration of the load runs with ack-mode checkpoint, which use it. */
    private static String bestSetting(List<Measurement> runs) {
        return runs.stream().filter(m -> m.part().equals("load") && m.contender() == Contender.Kind.BRIDGE)
                .map(Measurement::config).filter(config -> config.startsWith("checkpoint")).findFirst().orElse("the best setting");
    }

    /** A latency against the hand-written bridge's at the same load, "–" without one (or with its 0 ms). */
    static String latencyRatio(long ms, Optional<Long> handWrittenMs) {
        return handWrittenMs.filter(b -> b > 0).map(b -> String.format(Locale.ROOT, "%.2f", (double) ms / b)).orElse("–");
    }

    private void heapSection() {
        line("");
        line(String.format(Locale.ROOT, "### Heap over %.1f minutes at half the maximum rate", settings.heapMinutes()));
        line("");
        results.values().stream().flatMap(List::stream).filter(m -> m.part().equals("heap")).findFirst().ifPresent(m ->
                line(String.format(Locale.ROOT, "mqtt-bridge (%s) on %s at %s msg/s offered: %s msg/s carried, lost %d, duplicates %d.",
                        m.config(), BrokerSetup.valueOf(m.broker()).title, format(m.offered()), format(m.rate()), m.lost(), m.duplicates())));
        String[] first = heap.get(0).split("\t");
        String[] last = heap.get(heap.size() - 1).split("\t");
        line(String.format(Locale.ROOT, "Heap in use after the last collection: %s MB at the start, %s MB at the end.", first[2], last[2]));
        line("");
        line("![heap over time](benchmarks/heap.png)");
    }

    private static Optional<Measurement> first(List<Measurement> runs, Contender.Kind kind, String part) {
        return runs.stream().filter(m -> m.contender() == kind && m.part().equals(part)).findFirst();
    }

    private static String ratio(Measurement m, Optional<Measurement> to) {
        return to.filter(t -> t.rate() > 0).map(t -> String.format(Locale.ROOT, "%.2f", m.rate() / t.rate())).orElse("–");
    }

    private static String ms(long value) {
        return value < 0 ? "–" : Long.toString(value);
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    /** Puts {@code section} between the markers of {@code page}, or appends markers and section when it has none. */
    static void replaceSection(Path page, String section) throws IOException {
        String text = Files.readString(page);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String block = BEGIN + "\n" + section + END;
        String updated = begin >= 0 && end > begin
                ? text.substring(0, begin) + block + text.substring(end + END.length())
                : text + (text.endsWith("\n") ? "\n" : "\n\n") + block + "\n";
        Files.writeString(page, updated);
    }
}
