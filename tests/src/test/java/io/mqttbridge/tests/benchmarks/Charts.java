package io.mqttbridge.tests.benchmarks;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The suite's PNG charts (XChart, drawn headless): throughput per configuration, latency against offered load, heap over time. */
final class Charts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;

    private Charts() {}

    static void draw(Map<BrokerSetup, List<Measurement>> results, List<String> heap, Path folder) throws IOException {
        for (Map.Entry<BrokerSetup, List<Measurement>> broker : results.entrySet()) {
            List<Measurement> full = broker.getValue().stream().filter(m -> m.offered() == 0 && !Rounds.isRound(m)).toList();
            if (!full.isEmpty()) {
                throughput(broker.getKey(), full, broker.getValue(), folder.resolve("throughput-" + broker.getKey().cliName() + ".png"));
            }
            List<Measurement> load = broker.getValue().stream().filter(m -> m.part().equals("load")).toList();
            Path latencyChart = folder.resolve("latency-" + broker.getKey().cliName() + ".png");
            if (!load.isEmpty()) {
                latency(broker.getKey(), load, latencyChart);
            } else {
                Files.deleteIfExists(latencyChart); // an earlier run's, which the page no longer shows
            }
        }
        if (!heap.isEmpty()) {
            heap(heap, folder.resolve("heap.png"));
        }
    }

    private static void throughput(BrokerSetup broker, List<Measurement> runs, List<Measurement> all, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("MQTT -> Kafka throughput, " + broker.title).yAxisTitle("messages/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(90);
        List<String> labels = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (Measurement m : runs) {
            labels.add(label(m));
            rates.add(m.rate());
        }
        for (Rounds kind : Rounds.values()) {
            for (String label : kind.contestants) {
                int n = kind.of(all, label).size();
                kind.median(all, label).ifPresent(median -> {
                    labels.add(label + ", median of " + n + (kind == Rounds.HEAD_TO_HEAD ? " (head to head)" : ""));
                    rates.add(median);
                });
            }
        }
        chart.addSeries("msg/s", labels, rates);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** A short axis label: the contender, and the configuration for mqtt-bridge. */
    static String label(Measurement m) {
        return m.contender() == Contender.Kind.BRIDGE ? m.config() : m.contender().title;
    }

    private static void latency(BrokerSetup broker, List<Measurement> runs, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Publish -> Kafka latency against offered load, " + broker.title)
                .xAxisTitle("offered messages/s").yAxisTitle("ms (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        // label 1-9 of each decade too: the figures mostly lie between 1 and 100 ms, where decades alone label only 10
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        // one pair of lines per contender, and per ack-mode for mqtt-bridge
        Map<String, List<Measurement>> series = runs.stream().filter(m -> m.p50() >= 0).collect(
                Collectors.groupingBy(Charts::latencySeries, LinkedHashMap::new, Collectors.toList()));
        series.forEach((name, of) -> {
            List<Double> offered = of.stream().map(m -> (double) m.offered()).toList();
            // log axis: 0 ms drawn as 1 ms
            chart.addSeries(name + " p50", offered, of.stream().map(m -> (double) Math.max(1, m.p50())).toList());
            chart.addSeries(name + " p99", offered, of.stream().map(m -> (double) Math.max(1, m.p99())).toList());
        });
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** "hand-written bridge", or "mqtt-bridge, checkpoint" and "mqtt-bridge, receipt" (the ack-mode starts the configuration). */
    static String latencySeries(Measurement m) {
        return m.contender() == Contender.Kind.BRIDGE ? m.contender().title + ", " + m.config().split(" ")[0] : m.contender().title;
    }

    private static void heap(List<String> samples, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Heap of the JVM (Flink, Kafka, publishers) at half the maximum rate")
                .xAxisTitle("seconds").yAxisTitle("MB").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<Double> seconds = new ArrayList<>();
        List<Double> used = new ArrayList<>();
        List<Double> afterGc = new ArrayList<>();
        for (String line : samples) {
            String[] f = line.split("\t");
            seconds.add(Double.parseDouble(f[0]));
            used.add(Double.parseDouble(f[1]));
            afterGc.add(Double.parseDouble(f[2]));
        }
        chart.addSeries("in use", seconds, used).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.addSeries("in use after the last collection", seconds, afterGc).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
