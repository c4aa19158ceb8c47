package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.tests.benchmarks.BridgeJob.Route;
import io.mqttbridge.tests.benchmarks.BridgeJob.Setting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures the suite derives from its runs (the filter rounds' medians, the latency ratios and the slow-message
 * bursts) and the runs it plans per broker.
 */
class BenchmarkFiguresTest {

    private static Measurement run(String part, String config, double rate) {
        return new Measurement("MOSQUITTO", Contender.Kind.BRIDGE, part, config, 0, 1000, 0, 0, rate, rate, -1, -1, -1, 1, 100,
                0, 0, -1, -1, 0);
    }

    @Test
    void theFullSuiteRunsTheLatencyCurveAndThreeRoundsOnTheHeapBrokerAndMeasuresOnlyTheWindowWhereItIsTheLimit() {
        Settings full = Settings.parse(new String[0], Path.of("."));
        assertThat(full.heapBroker()).isEqualTo(BrokerSetup.MOSQUITTO);
        assertThat(full.loadFractions(BrokerSetup.MOSQUITTO)).containsExactly(0.25, 0.5, 0.75);
        assertThat(full.rounds(BrokerSetup.MOSQUITTO)).isEqualTo(3);
        for (BrokerSetup other : List.of(BrokerSetup.HIVEMQ, BrokerSetup.ARTEMIS)) {
            assertThat(full.loadFractions(other)).as(other.name()).containsExactly(0.5);
            assertThat(full.rounds(other)).as(other.name()).isZero();
        }
        assertThat(Settings.windowLimited(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isTrue();
        assertThat(Settings.windowLimited(BrokerSetup.HIVEMQ)).isFalse();
        assertThat(full.loadFractions(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isEmpty();
        assertThat(full.rounds(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isZero();
        Settings windowOnly = Settings.parse(new String[] {"--brokers", "hivemq-default"}, Path.of("."));
        assertThat(windowOnly.heapBroker()).isEqualTo(BrokerSetup.HIVEMQ_DEFAULT_WINDOW);
        assertThat(windowOnly.rounds(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).as("the heap broker, but the window is its limit").isZero();
        assertThat(full.backlogCap(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isEqualTo(Settings.SMALL_WINDOW_BACKLOG_CAP);
    }

    @Test
    void theWindowBoundIsTheSmallerWindowTimesSubscribersOverTheInterval() {
        Setting fourAt200ms = new Setting("checkpoint", "200 ms", 2, 4, Route.FILTER);
        assertThat(fourAt200ms.windowLimit(50)).as("the broker's window only").isEqualTo(1_000.0);
        assertThat(fourAt200ms.windowLimit(0)).as("no window").isZero();
        assertThat(fourAt200ms.withReceiveMaximum(500).windowLimit(0)).as("the source's only").isEqualTo(10_000.0);
        assertThat(fourAt200ms.withReceiveMaximum(500).windowLimit(50)).as("the smaller of the two").isEqualTo(1_000.0);
        assertThat(fourAt200ms.withReceiveMaximum(20).windowLimit(50)).isEqualTo(400.0);
        assertThat(fourAt200ms.withReceiveMaximum(500).withAckMode("receipt").windowLimit(0)).as("acknowledged on receipt").isZero();
        assertThat(new Setting("checkpoint", "1 s", 2, 16, Route.FILTER).withReceiveMaximum(500).describe())
                .isEqualTo("checkpoint 1 s, p=2, 16 subscribers, receive-maximum 500");
    }

    @Test
    void theWindowTableComparesEachWindowRunWithItsBound() {
        Setting one = new Setting("checkpoint", "1 s", 2, 1, Route.FILTER).withReceiveMaximum(BrokerBenchmark.CLIENT_WINDOW);
        Setting sixteen = one.with(2, 16, Route.FILTER);
        List<Measurement> runs = List.of(
                run("main", "checkpoint 1 s, p=2, 4 subscribers", 40_000),
                windowRun(one, 498),
                windowRun(sixteen, 8_019));
        Settings settings = Settings.parse(new String[] {"--brokers", "artemis"}, Path.of("."));

        String page = new ResultsPage(settings, Map.of(BrokerSetup.ARTEMIS, runs), List.of(), List.of(), Instant.EPOCH, 0, 0)
                .render();

        assertThat(page)
                .contains("`'receive-maximum' = '500'`")
                .contains("| checkpoint 1 s, p=2, 1 subscriber, receive-maximum 500 | 750 | 498 | 500 | 1.00 | 0 | 0 |")
                .contains("| checkpoint 1 s, p=2, 16 subscribers, receive-maximum 500 | 12,000 | 8,019 | 8,000 | 1.00 | 0 | 0 |");
        assertThat(BrokerSetup.ARTEMIS.honoursReceiveMaximum()).isTrue();
        assertThat(BrokerSetup.MOSQUITTO.honoursReceiveMaximum()).as("2.0.11 overruns a full window").isFalse();
        assertThat(BrokerSetup.HIVEMQ_DEFAULT_WINDOW.honoursReceiveMaximum()).as("its own window applies").isFalse();
    }

    private static Measurement windowRun(Setting setting, double rate) {
        double bound = setting.windowLimit(0);
        return new Measurement("ARTEMIS", Contender.Kind.BRIDGE, BrokerBenchmark.WINDOW, setting.describe(),
                Math.round(BrokerBenchmark.WINDOW_OVERLOAD * bound), 1000, 0, 0, rate, rate, -1, -1, -1, 1, 100, 0, 0, -1, -1, bound);
    }

    @Test
    void aBrokerWithoutLatencyRunsLosesTheLatencyChartOfAnEarlierRun(@TempDir Path folder) throws Exception {
        Path stale = Files.writeString(folder.resolve("latency-hivemq-default.png"), "an earlier run's chart");
        Path kept = Files.writeString(folder.resolve("latency-mosquitto.png"), "another broker's chart");

        Charts.draw(Map.of(BrokerSetup.HIVEMQ_DEFAULT_WINDOW, List.of()), List.of(), folder);

        assertThat(stale).doesNotExist();
        assertThat(kept).exists();
    }

    @Test
    void theMedianOfARouteTakesOnlyItsOwnRounds() {
        List<Measurement> runs = List.of(
                run(Rounds.FILTER.part, Rounds.config(Route.FILTER.title, 1), 300),
                run(Rounds.FILTER.part, Rounds.config(Route.PASS_THROUGH.title, 1), 1000),
                run(Rounds.FILTER.part, Rounds.config(Route.FILTER.title, 2), 100),
                run("main", "checkpoint 1 s, p=2, 4 subscribers", 5000),
                run(Rounds.HEAD_TO_HEAD.part, Rounds.config(Route.FILTER.title, 1), 9000),
                run(Rounds.FILTER.part, Rounds.config(Route.FILTER.title, 3), 200),
                run(Rounds.FILTER.part, Rounds.config(Route.PASS_THROUGH.title, 2), 2000));

        assertThat(Rounds.FILTER.median(runs, Route.FILTER.title)).hasValue(200.0);
        assertThat(Rounds.FILTER.median(runs, Route.PASS_THROUGH.title)).hasValue(1500.0);
        assertThat(Rounds.FILTER.median(runs, Route.FILTER_HEAVY.title)).isEmpty();
        assertThat(Rounds.FILTER.rates(runs, Route.FILTER.title)).isEqualTo("300 / 100 / 200");
        assertThat(runs.stream().filter(Rounds::isRound)).hasSize(6);
    }

    @Test
    void eachRoundStartsWithTheNextContestant() {
        assertThat(Rounds.order(List.of("a", "b", "c"), 1)).containsExactly("a", "b", "c");
        assertThat(Rounds.order(List.of("a", "b", "c"), 2)).containsExactly("b", "c", "a");
        assertThat(Rounds.order(List.of("a", "b", "c"), 3)).containsExactly("c", "a", "b");
        assertThat(Rounds.order(List.of("a", "b"), 2)).containsExactly("b", "a");
    }

    @Test
    void headToHeadRatiosPairTheContendersRoundByRound() {
        String handWritten = Contender.Kind.BASELINE.title;
        String bridge = Contender.Kind.BRIDGE.title;
        List<Measurement> runs = List.of(
                run(Rounds.HEAD_TO_HEAD.part, Rounds.config(handWritten, 1), 20000),
                run(Rounds.HEAD_TO_HEAD.part, Rounds.config(bridge, 1), 18000),
                run(Rounds.HEAD_TO_HEAD.part, Rounds.config(bridge, 2), 25000),
                run(Rounds.HEAD_TO_HEAD.part, Rounds.config(handWritten, 2), 25000),
                run(Rounds.FILTER.part, Rounds.config(Route.FILTER.title, 1), 1000),
                run(Rounds.HEAD_TO_HEAD.part, Rounds.config(handWritten, 3), 30000),
                run(Rounds.HEAD_TO_HEAD.part, Rounds.config(bridge, 3), 33000));

        assertThat(Rounds.HEAD_TO_HEAD.contestants).as("the hand-written bridge first: the ratios' baseline").containsExactly(handWritten, bridge);
        assertThat(Rounds.FILTER.contestants).containsExactly(Route.FILTER.title, Route.PASS_THROUGH.title, Route.FILTER_HEAVY.title);
        assertThat(ResultsPage.roundRatios(runs)).isEqualTo("0.90 / 1.00 / 1.10");
        assertThat(Rounds.HEAD_TO_HEAD.median(runs, bridge)).hasValue(25000.0);
        assertThat(Rounds.HEAD_TO_HEAD.median(runs, handWritten)).hasValue(25000.0);
        assertThat(Rounds.HEAD_TO_HEAD.row(runs, bridge, bridge, 25000.0, 20000.0))
                .isEqualTo("| " + bridge + " | 18,000 / 25,000 / 33,000 | 25,000 | 1.25 | 0 | 0 |");
    }

    @Test
    void warmUpRunsGoOnWhileTheJitCompilesAndStopWhenItIsQuietOrAtTheCap() throws Exception {
        // each run takes 1 s; the JIT compiles for the given milliseconds during each, in turn
        assertThat(warmUpRuns(2, 900, 500, 300, 100, 0)).as("2 asked for, then more until a run compiled at most 10 %").isEqualTo(4);
        assertThat(warmUpRuns(3, 0, 0, 0, 900)).as("the runs asked for even when quiet").isEqualTo(3);
        assertThat(warmUpRuns(0, 50)).as("none asked for: one, to see").isEqualTo(1);
        assertThat(warmUpRuns(1, 900, 900, 900, 900, 900, 900, 900, 900, 900)).as("at most 6 more").isEqualTo(1 + Runner.MAX_RUNS_WHILE_COMPILING);
    }

    private static int warmUpRuns(int asked, long... compiledMsPerRun) throws Exception {
        long[] compiledMs = {0};
        long[] nanos = {0};
        int[] run = {0};
        return Runner.untilCompiled(asked, () -> {
            compiledMs[0] += compiledMsPerRun[run[0]++];
            nanos[0] += 1_000_000_000L;
            return null;
        }, () -> compiledMs[0], () -> nanos[0]);
    }

    @Test
    void theLimitsTableComparesEachBrokersMedianWithTheFastestMedian() {
        List<Measurement> runs = List.of(
                run(Rounds.LIMITS.part, Rounds.config("mosquitto", 1), 30000),
                run(Rounds.LIMITS.part, Rounds.config("hivemq", 1), 20000),
                run(Rounds.LIMITS.part, Rounds.config("hivemq-default", 1), 50000),
                run(Rounds.LIMITS.part, Rounds.config("hivemq", 2), 26000),
                run(Rounds.LIMITS.part, Rounds.config("mosquitto", 2), 20000),
                run(Rounds.LIMITS.part, Rounds.config("mosquitto", 3), 28000),
                run(Rounds.LIMITS.part, Rounds.config("hivemq", 3), 22000));

        // medians: HiveMQ CE's stock window 50,000 (the fastest), Mosquitto 28,000, HiveMQ CE as configured 22,000;
        // "hivemq" takes none of "hivemq-default"'s rounds, and a broker not measured gets no row
        assertThat(BrokerLimitRounds.table(runs))
                .contains("| " + BrokerSetup.HIVEMQ_DEFAULT_WINDOW.title + " | 50,000 | 50,000 | 1.00 | 0 | 0 |")
                .contains("| " + BrokerSetup.MOSQUITTO.title + " | 30,000 / 20,000 / 28,000 | 28,000 | 0.56 | 0 | 0 |")
                .contains("| " + BrokerSetup.HIVEMQ.title + " | 20,000 / 26,000 / 22,000 | 22,000 | 0.44 | 0 | 0 |")
                .doesNotContain(BrokerSetup.ARTEMIS.title);
    }

    @Test
    void theLatencyChartDrawsEachAckModeOfTheBridgeApart() {
        Measurement handWritten = new Measurement("MOSQUITTO", Contender.Kind.BASELINE, "load", "4 subscribers", 7000, 1000, 0, 0,
                7000, 7000, 4, 10, 30, 1, 100, 0, 0, -1, -1, 0);

        assertThat(Charts.latencySeries(run("load", "checkpoint 1 s, p=2, 4 subscribers", 7000))).isEqualTo("mqtt-bridge, checkpoint");
        assertThat(Charts.latencySeries(run("load", "receipt 1 s, p=2, 4 subscribers", 7000))).isEqualTo("mqtt-bridge, receipt");
        assertThat(Charts.latencySeries(handWritten)).isEqualTo("hand-written bridge");
    }

    @Test
    void aLatencyIsComparedWithTheHandWrittenBridgesAtTheSameLoadWhenThatHasOne() {
        assertThat(ResultsPage.latencyRatio(7, Optional.of(5L))).isEqualTo("1.40");
        assertThat(ResultsPage.latencyRatio(16, Optional.of(11L))).isEqualTo("1.45");
        assertThat(ResultsPage.latencyRatio(7, Optional.of(0L))).isEqualTo("–");
        assertThat(ResultsPage.latencyRatio(7, Optional.empty())).isEqualTo("–");
    }

    @Test
    void slowMessagesCloseTogetherFormOneBurstAndTheSpacingIsTheMedianGap() {
        // slow (>= 50 ms) messages appended at 1000-1040, 2000, 3010-3020 and 5000; the rest fast
        int[] latencies = {60, 70, 55, 5, 80, 5, 90, 95, 5, 50};
        long[] appended = {1000, 1020, 1040, 1500, 2000, 2500, 3010, 3020, 4000, 5000};

        long[] bursts = ReadBack.slowBursts(latencies, appended, latencies.length, 50);

        // gaps between burst starts: 1000, 1010, 1990 -> median 1010
        assertThat(bursts).containsExactly(4, 1010);
    }

    @Test
    void withoutLatenciesOrWithOneBurstThereIsNoSpacing() {
        assertThat(ReadBack.slowBursts(new int[0], new long[0], 0, -1)).containsExactly(-1, -1);
        assertThat(ReadBack.slowBursts(new int[] {90, 95}, new long[] {1000, 1050}, 2, 90)).containsExactly(1, -1);
    }
}
