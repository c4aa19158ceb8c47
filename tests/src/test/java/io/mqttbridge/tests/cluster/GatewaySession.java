package io.mqttbridge.tests.cluster;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One session of the SQL Gateway's REST API (v3), driven as any HTTP client would: {@code POST
 * /v3/sessions}, {@code POST /v3/sessions/:session/statements}, then {@code GET
 * .../operations/:operation/result/:token} until the result ends.
 */
final class GatewaySession implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);

    /** What a statement returned: its rows (each the JSON array of its fields) and, for an INSERT, the job. */
    static final class Result {
        final List<JsonNode> rows;
        final String jobId;

        Result(List<JsonNode> rows, String jobId) {
            this.rows = rows;
            this.jobId = jobId;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI gateway;
    private final String handle;

    private GatewaySession(URI gateway, String handle) {
        this.gateway = gateway;
        this.handle = handle;
    }

    /** True once the gateway's REST API answers. */
    static boolean answers(URI gateway) {
        HttpRequest info = HttpRequest.newBuilder(gateway.resolve("/v3/info")).timeout(Duration.ofSeconds(5)).build();
        try {
            return HttpClient.newHttpClient().send(info, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static GatewaySession open(URI gateway) throws IOException, InterruptedException {
        GatewaySession unopened = new GatewaySession(gateway, null);
        JsonNode opened = unopened.call("POST", "/v3/sessions", JSON.createObjectNode().put("sessionName", "mqtt-bridge-it"));
        return new GatewaySession(gateway, opened.get("sessionHandle").asText());
    }

    /** Runs {@code statement} and fetches its whole result; fails with the gateway's error message. */
    Result execute(String statement) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("statement", statement);
        String operation = call("POST", "/v3/sessions/" + handle + "/statements", body).get("operationHandle").asText();
        String next = "/v3/sessions/" + handle + "/operations/" + operation + "/result/0?rowFormat=JSON";
        List<JsonNode> rows = new ArrayList<>();
        String jobId = null;
        long deadline = System.nanoTime() + STATEMENT_TIMEOUT.toNanos();
        while (next != null) {
            JsonNode page = call("GET", next, null);
            String type = page.get("resultType").asText();
            if ("NOT_READY".equals(type)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("No result after " + STATEMENT_TIMEOUT + " for: " + statement);
                }
                Thread.sleep(100);
                continue;
            }
            if (page.hasNonNull("jobID")) {
                jobId = page.get("jobID").asText();
            }
            page.path("results").path("data").forEach(row -> rows.add(row.get("fields")));
            next = "EOS".equals(type) || !page.hasNonNull("nextResultUri") ? null : page.get("nextResultUri").asText();
        }
        return new Result(rows, jobId);
    }

    /** The gateway's error for a statement that must fail (e.g. a factory that is not there). */
    String errorOf(String statement) throws IOException, InterruptedException {
        try {
            execute(statement);
        } catch (GatewayError e) {
            return e.getMessage();
        }
        throw new AssertionError("Expected the gateway to refuse: " + statement);
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            // The gateway answers a failed operation with {"errors": [summary, stack trace]}.
            throw new GatewayError(method + " " + path + " -> HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        call("DELETE", "/v3/sessions/" + handle, null);
    }

    /** A request the gateway refused; the message holds its answer. */
    static final class GatewayError extends AssertionError {
        GatewayError(String message) {
            super(message);
        }
    }
}
