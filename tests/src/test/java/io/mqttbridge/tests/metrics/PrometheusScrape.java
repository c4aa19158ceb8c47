package io.mqttbridge.tests.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One scrape of a Prometheus text endpoint, as Prometheus reads it: samples by metric name. */
final class PrometheusScrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String text;
    private final Map<String, List<Double>> samples = new TreeMap<>();
    /** name -> label text ({@code {k="v",...}}) of each sample, in the order of {@link #samples}. */
    private final Map<String, List<String>> labels = new TreeMap<>();

    private PrometheusScrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            String name = line.substring(0, nameEnd);
            String value = line.substring(line.lastIndexOf(' ') + 1);
            samples.computeIfAbsent(name, k -> new ArrayList<>()).add(Double.parseDouble(value));
            labels.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(nameEnd, line.lastIndexOf(' ')));
        }
    }

    static PrometheusScrape of(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("Prometheus endpoint on port " + port + " answered " + response.statusCode());
        }
        return new PrometheusScrape(response.body());
    }

    /** Sum over every sample (subtask, label set) of {@code name}; a metric that is not exported fails. */
    double sum(String name) {
        List<Double> values = samples.get(name);
        if (values == null) {
            throw new MetricMissing(name, names(name.substring(0, name.lastIndexOf('_') + 1)));
        }
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** A metric the scrape does not contain (yet: the reporter exports a metric once it is registered). */
    static final class MetricMissing extends AssertionError {
        MetricMissing(String name, List<String> similar) {
            super("Metric " + name + " is not exported; metrics of that group: " + similar);
        }
    }

    /** Sum over the samples of {@code name} whose labels contain {@code label} (e.g. {@code operator_name="x}). */
    double sum(String name, String label) {
        List<Double> values = samples.getOrDefault(name, List.of());
        List<String> texts = labels.getOrDefault(name, List.of());
        double sum = 0;
        for (int i = 0; i < values.size(); i++) {
            if (texts.get(i).contains(label)) {
                sum += values.get(i);
            }
        }
        return sum;
    }

    /** The largest sample of {@code name} whose labels contain {@code label}; none fails. */
    double max(String name, String label) {
        List<Double> values = samples.getOrDefault(name, List.of());
        List<String> texts = labels.getOrDefault(name, List.of());
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < values.size(); i++) {
            if (texts.get(i).contains(label)) {
                max = Math.max(max, values.get(i));
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new MetricMissing(name + " with " + label, names(name.substring(0, name.lastIndexOf('_') + 1)));
        }
        return max;
    }

    int samples(String name) {
        return samples.getOrDefault(name, List.of()).size();
    }

    /** Metric names containing {@code part}, for failure messages. */
    List<String> names(String part) {
        List<String> names = new ArrayList<>();
        samples.keySet().stream().filter(n -> n.contains(part)).forEach(names::add);
        return names;
    }
}
