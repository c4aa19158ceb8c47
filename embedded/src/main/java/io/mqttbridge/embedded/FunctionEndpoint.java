package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local stack's HTTP function: a JDK HttpServer on 127.0.0.1 that accepts the {@code
 * http-function} envelope on any path (e.g. {@code /low-battery}), logs each invocation and counts
 * invocations and records. It can add a fixed latency and fail a share of requests with 503, so
 * that retries can be watched. Answers 400 to a body that is not an envelope.
 */
@PublicEvolving
public final class FunctionEndpoint implements AutoCloseable {

    /**
     * The attempt number the http-function sink sends with every request (documented in
     * docs/connectors/http-function.md); spelled here because this module knows no connector.
     */
    public static final String ATTEMPT_HEADER = "X-Mqtt-Bridge-Attempt";

    /**
     * Not under io.mqttbridge.local, whose INFO lines go to the console of ./run-local: one line
     * per invocation belongs in the log file only ({@code grep function-endpoint local-stack.log}).
     */
    private static final Logger LOG = LoggerFactory.getLogger("function-endpoint");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Records kept for {@link #received(String)}: the newest ones, so a long run stays small. */
    private static final int KEPT_RECORDS = 100_000;

    /** One record as the function received it, with the path it was sent to. */
    public record Received(String path, JsonNode record) {}

    private final HttpServer server;
    private final ExecutorService threads;
    private final double failShare;
    private final Duration latency;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Deque<Received> kept = new ArrayDeque<>();

    private FunctionEndpoint(HttpServer server, double failShare, Duration latency) {
        this.server = server;
        this.failShare = failShare;
        this.latency = latency;
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "function-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    /**
     * Starts on 127.0.0.1:{@code port} (0 = a free port). {@code failShare} (0 to 1) of the
     * requests are answered 503; every request waits {@code latency} before it is answered.
     */
    public static FunctionEndpoint start(int port, double failShare, Duration latency) throws IOException {
        if (failShare < 0 || failShare > 1) {
            throw new IllegalArgumentException("failShare must be between 0 and 1, got " + failShare);
        }
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK: about 40 ms more per request (measured: 20 ms latency became ~75 ms).
        // Read once, when the first JDK HttpServer is created in this JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        FunctionEndpoint endpoint = new FunctionEndpoint(server, failShare, latency);
        server.start();
        return endpoint;
    }

    /** {@code http://127.0.0.1:<port>}; functions are at any path below it. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests answered 2xx. */
    public long invocations() {
        return invocations.get();
    }

    /** Records in the requests answered 2xx. */
    public long recordCount() {
        return records.get();
    }

    /** Requests answered with an error (injected 503s and bad bodies). */
    public long failed() {
        return failed.get();
    }

    /** The newest records received (up to 100,000), oldest first. */
    public List<Received> received(String path) {
        synchronized (kept) {
            return kept.stream().filter(r -> path == null || r.path().equals(path)).toList();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
            String attempt = exchange.getRequestHeaders().getFirst(ATTEMPT_HEADER);
            if (failShare > 0 && ThreadLocalRandom.current().nextDouble() < failShare) {
                failed.incrementAndGet();
                LOG.info("function {}: attempt {} answered 503 (injected failure)", path, attempt);
                answer(exchange, 503, "{\"error\":\"injected failure\"}");
                return;
            }
            JsonNode envelope;
            try {
                envelope = JSON.readTree(body);
            } catch (IOException e) {
                envelope = null;
            }
            if (envelope == null || !envelope.path("records").isArray()) {
                failed.incrementAndGet();
                answer(exchange, 400, "{\"error\":\"expected the http-function envelope {\\\"records\\\":[...]}\"}");
                return;
            }
            int count = envelope.path("records").size();
            invocations.incrementAndGet();
            records.addAndGet(count);
            synchronized (kept) {
                for (JsonNode record : envelope.path("records")) {
                    kept.addLast(new Received(path, record));
                    if (kept.size() > KEPT_RECORDS) {
                        kept.removeFirst();
                    }
                }
            }
            if (LOG.isInfoEnabled()) {
                LOG.info("function {}: {} records (attempt {}), keys {}", path, count, attempt, keys(envelope));
            }
            answer(exchange, 200, "{\"received\":" + count + "}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String keys(JsonNode envelope) {
        List<String> keys = new ArrayList<>();
        for (JsonNode r : envelope.path("records")) {
            if (r.has("key") && !keys.contains(r.path("key").asText()) && keys.size() < 10) {
                keys.add(r.path("key").asText());
            }
        }
        return keys.toString();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
