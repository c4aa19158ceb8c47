package io.mqttbridge.httpfunction.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP function on loopback (JDK HttpServer, free port): records every request with its
 * parsed envelope, answers what the test's {@link Behaviour} says, and tracks how many requests
 * were in flight at once, overall and per record key.
 */
public final class TestFunctionServer implements AutoCloseable {

    /** What to answer; called once per request, may sleep to add latency. */
    public interface Behaviour {
        Answer answer(Request request) throws InterruptedException;
    }

    public record Answer(int status, Map<String, String> headers) {
        public static Answer ok() {
            return new Answer(200, Map.of());
        }

        public static Answer status(int status) {
            return new Answer(status, Map.of());
        }
    }

    /** One request as received; {@code number} counts all requests from 1. */
    public record Request(int number, int attempt, String method, Map<String, List<String>> headers, JsonNode envelope, int status) {
        public List<JsonNode> records() {
            List<JsonNode> out = new ArrayList<>();
            envelope.path("records").forEach(out::add);
            return out;
        }

        public String key() {
            return records().isEmpty() ? null : records().get(0).path("key").asText(null);
        }

        public boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightPerKey = new ConcurrentHashMap<>();
    private final AtomicInteger maxInFlightPerKey = new AtomicInteger();
    private volatile Behaviour behaviour = r -> Answer.ok();

    public TestFunctionServer() throws IOException {
        // No Nagle delay between the JDK server's header and body writes (read at first use).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public TestFunctionServer behave(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fn";
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public List<Request> delivered() {
        return requests.stream().filter(Request::delivered).toList();
    }

    /** Every record of every 2xx request, in the order the requests were answered. */
    public List<JsonNode> deliveredRecords() {
        List<JsonNode> out = new ArrayList<>();
        delivered().forEach(r -> out.addAll(r.records()));
        return out;
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int maxInFlightPerKey() {
        return maxInFlightPerKey.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        JsonNode envelope = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String key = envelope.path("records").path(0).path("key").asText(null);
        AtomicInteger perKey = key == null ? null : inFlightPerKey.computeIfAbsent(key, k -> new AtomicInteger());
        if (perKey != null) {
            maxInFlightPerKey.accumulateAndGet(perKey.incrementAndGet(), Math::max);
        }
        int number = counter.incrementAndGet();
        String attempt = exchange.getRequestHeaders().getFirst(FunctionInvoker.ATTEMPT_HEADER);
        Answer answer;
        try {
            Request provisional =
                    new Request(number, attempt == null ? 0 : Integer.parseInt(attempt), exchange.getRequestMethod(),
                            Map.copyOf(exchange.getRequestHeaders()), envelope, 0);
            answer = behaviour.answer(provisional);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = Answer.status(503);
        } catch (RuntimeException e) {
            answer = Answer.status(500);
        } finally {
            if (perKey != null) {
                perKey.decrementAndGet();
            }
            inFlight.decrementAndGet();
        }
        // Recorded before answering: when the client sees the answer, the request is in the list.
        requests.add(new Request(number, attempt == null ? 0 : Integer.parseInt(attempt), exchange.getRequestMethod(),
                Map.copyOf(exchange.getRequestHeaders()), envelope, answer.status()));
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] body = ("{\"status\":" + answer.status() + "}").getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException clientGone) {
            // The client timed out and closed the connection: the request counts as not delivered.
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
