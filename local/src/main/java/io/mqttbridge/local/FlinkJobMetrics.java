package io.mqttbridge.local;

import org.apache.flink.annotation.Internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a running job's state and record counters from the Flink REST API, as the web UI does.
 * Source operators are named {@code Source: <table>[<id>]} and report {@code
 * Source__<table>[<id>].numRecordsOut}; sink writers report {@code <table>[<id>]__Writer.numRecordsSend}
 * (records handed to the external system); our sinks also report {@code <table>[<id>]__Writer.route.messagesFailed}
 * and {@code .route.syncLatencyMs} (docs/operations.md, route metrics). Counters are summed over subtasks,
 * the latency is the largest of the subtasks'.
 */
@Internal
final class FlinkJobMetrics {

    /** What one poll saw. Counters of operators that have not reported yet are absent. */
    record Snapshot(String state, long received, Map<String, Long> sent, Map<String, Long> failed,
            Map<String, Long> latencyMs, boolean allTasksRunning) {}

    private static final Pattern SOURCE_OUT = Pattern.compile("^Source__.*\\.numRecordsOut$");
    private static final Pattern SINK_SENT = Pattern.compile("^(.*)\\[\\d+\\]__Writer\\.numRecordsSend$");
    private static final Pattern SINK_FAILED = Pattern.compile("^(.*)\\[\\d+\\]__Writer\\.route\\.messagesFailed$");
    private static final Pattern SINK_LATENCY = Pattern.compile("^(.*)\\[\\d+\\]__Writer\\.route\\.syncLatencyMs$");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String jobUrl;

    FlinkJobMetrics(String restUrl, String jobId) {
        this.jobUrl = restUrl + "/jobs/" + jobId;
    }

    Snapshot poll() throws IOException, InterruptedException {
        JsonNode job = get(jobUrl);
        String state = job.path("state").asText("UNKNOWN");
        boolean allRunning = job.path("vertices").size() > 0;
        long received = 0;
        Map<String, Long> sent = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        Map<String, Long> latency = new LinkedHashMap<>();
        for (JsonNode vertex : job.path("vertices")) {
            allRunning &= "RUNNING".equals(vertex.path("status").asText());
            String metricsUrl = jobUrl + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            List<String> wanted = new ArrayList<>();
            for (JsonNode metric : get(metricsUrl)) {
                String id = metric.path("id").asText();
                if (SOURCE_OUT.matcher(id).matches() || SINK_SENT.matcher(id).matches()
                        || SINK_FAILED.matcher(id).matches() || SINK_LATENCY.matcher(id).matches()) {
                    wanted.add(id);
                }
            }
            if (wanted.isEmpty()) {
                continue;
            }
            String query = URLEncoder.encode(String.join(",", wanted), StandardCharsets.UTF_8);
            for (JsonNode metric : get(metricsUrl + "?agg=sum,max&get=" + query)) {
                String id = metric.path("id").asText();
                long sum = (long) metric.path("sum").asDouble();
                Matcher sink = SINK_SENT.matcher(id);
                Matcher sinkFailed = SINK_FAILED.matcher(id);
                Matcher sinkLatency = SINK_LATENCY.matcher(id);
                if (sink.matches()) {
                    sent.merge(sink.group(1), sum, Long::sum);
                } else if (sinkFailed.matches()) {
                    failed.merge(sinkFailed.group(1), sum, Long::sum);
                } else if (sinkLatency.matches()) {
                    // -1 until the sink has an acknowledgement: no figure yet.
                    long max = (long) metric.path("max").asDouble(-1);
                    if (max >= 0) {
                        latency.merge(sinkLatency.group(1), max, Math::max);
                    }
                } else {
                    received += sum;
                }
            }
        }
        return new Snapshot(state, received, sent, failed, latency, allRunning);
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode());
        }
        return json.readTree(response.body());
    }
}
