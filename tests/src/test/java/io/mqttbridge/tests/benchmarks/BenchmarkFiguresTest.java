package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.tests.benchmarks.BridgeJob.Route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void theFullSuiteRunsTheLatencyCurveAndThreeFilterRoundsOnTheHeapBrokerAndMeasuresOnlyTheWindowWhereItIsTheLimit() {
        Settings full = Settings.parse(new String[0], Path.of("."));
        assertThat(full.heapBroker()).isEqualTo(BrokerSetup.MOSQUITTO);
        assertThat(full.loadFractions(BrokerSetup.MOSQUITTO)).containsExactly(0.25, 0.5, 0.75);
        assertThat(full.filterRounds(BrokerSetup.MOSQUITTO)).isEqualTo(3);
        for (BrokerSetup other : List.of(BrokerSetup.HIVEMQ, BrokerSetup.ARTEMIS)) {
            assertThat(full.loadFractions(other)).as(other.name()).containsExactly(0.5);
            assertThat(full.filterRounds(other)).as(other.name()).isEqualTo(1);
        }
        assertThat(Settings.windowLimited(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isTrue();
        assertThat(Settings.windowLimited(BrokerSetup.HIVEMQ)).isFalse();
        assertThat(full.loadFractions(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isEmpty();
        assertThat(full.filterRounds(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isZero();
        assertThat(full.backlogCap(BrokerSetup.HIVEMQ_DEFAULT_WINDOW)).isEqualTo(Settings.SMALL_WINDOW_BACKLOG_CAP);
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
                run(FilterRounds.PART, FilterRounds.config(Route.FILTER, 1), 300),
                run(FilterRounds.PART, FilterRounds.config(Route.PASS_THROUGH, 1), 1000),
                run(FilterRounds.PART, FilterRounds.config(Route.FILTER, 2), 100),
                run("main", "checkpoint 1 s, p=2, 4 subscribers", 5000),
                run(FilterRounds.PART, FilterRounds.config(Route.FILTER, 3), 200),
                run(FilterRounds.PART, FilterRounds.config(Route.PASS_THROUGH, 2), 2000));

        assertThat(FilterRounds.median(runs, Route.FILTER)).hasValue(200.0);
        assertThat(FilterRounds.median(runs, Route.PASS_THROUGH)).hasValue(1500.0);
        assertThat(FilterRounds.median(runs, Route.FILTER_HEAVY)).isEmpty();
        assertThat(FilterRounds.rates(runs, Route.FILTER)).isEqualTo("300 / 100 / 200");
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
