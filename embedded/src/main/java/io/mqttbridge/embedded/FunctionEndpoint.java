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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP function of the local stack and of every test: a JDK HttpServer on 127.0.0.1 that
 * accepts the {@code http-function} envelope on any path (e.g. {@code /low-battery}), logs each
 * invocation and keeps the requests with their parsed envelopes. Answers 400 to a body that is not
 * an envelope.
 *
 * <p>For ./run-local it adds a fixed latency and fails a share of requests with 503, so that
 * retries can be watched. Tests script the answer per request ({@link #behave}, e.g. a 503 with
 * Retry-After for the second attempt) and read how many requests were in flight at once, overall
 * and per record key.
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
    /** Records kept in {@link #requests()}: those of the newest requests, so a long run stays small. */
    private static final int KEPT_RECORDS = 100_000;

    /** Decides the answer to one request; may sleep to add latency. */
    @FunctionalInterface
    public interface Behaviour {
        Answer answer(Request request) throws InterruptedException;
    }

    /** A status and response headers (e.g. Retry-After). */
    public record Answer(int status, Map<String, String> headers) {
        public static Answer ok() {
            return new Answer(200, Map.of());
        }

        public static Answer status(int status) {
            return new Answer(status, Map.of());
        }

        /** {@code status} with a Retry-After of {@code delay} (whole seconds). */
        public static Answer retryAfter(int status, Duration delay) {
            return new Answer(status, Map.of("Retry-After", Long.toString(delay.toSeconds())));
        }
    }

    /**
     * One request: {@code number} counts all requests from 1, {@code attempt} is the sink's attempt
     * header (0 when absent), {@code envelope} the parsed body (a missing node when it was not
     * JSON), {@code status} the answer (0 while the {@link Behaviour} decides).
     */
    public record Request(
            int number, String path, int attempt, String method, Map<String, List<String>> headers, JsonNode envelope, int status) {

        public List<JsonNode> records() {
            List<JsonNode> out = new ArrayList<>();
            envelope.path("records").forEach(out::add);
            return out;
        }

        /** The key of the first record (null without one): with ordering by key, every record's. */
        public String key() {
            return envelope.path("records").path(0).path("key").asText(null);
        }

        public boolean delivered() {
            return status >= 200 && status < 300;
        }

        Request answered(int status) {
            return new Request(number, path, attempt, method, headers, envelope, status);
        }
    }

    /** One record as the function received it, with the path it was sent to. */
    public record Received(String path, JsonNode record) {}

    private final HttpServer server;
    private final ExecutorService threads;
    private final double failShare;
    private final AtomicLong requestsSeen = new AtomicLong();
    private final Duration latency;
    private volatile Behaviour behaviour = request -> Answer.ok();
    private final AtomicInteger numbers = new AtomicInteger();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightPerKey = new ConcurrentHashMap<>();
    private final AtomicInteger maxInFlightPerKey = new AtomicInteger();
    /** Guarded by itself; {@link #keptRecords} counts the records in it. */
    private final Deque<Request> kept = new ArrayDeque<>();
    private long keptRecords;

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

    /** Starts on a free port of 127.0.0.1, answering 200 until told otherwise ({@link #behave}). */
    public static FunctionEndpoint start() throws IOException {
        return start(0, 0.0, Duration.ZERO);
    }

    /**
     * Starts on 127.0.0.1:{@code port} (0 = a free port). {@code failShare} (0 to 1) of the
     * requests are answered 503, the first one among them; every request waits {@code latency} before
     * it is answered.
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

    /**
     * Answers every later envelope as {@code behaviour} says (after the latency and failure share
     * given at start). A behaviour that throws is answered 500.
     */
    public FunctionEndpoint behave(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /** {@code http://127.0.0.1:<port>}; functions are at any path below it. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The URL of the function at {@code path} (e.g. {@code /fn}). */
    public String url(String path) {
        return url() + path;
    }

    /** Requests answered 2xx. */
    public long invocations() {
        return invocations.get();
    }

    /** Records in the requests answered 2xx. */
    public long recordCount() {
        return records.get();
    }

    /** Requests answered with an error (injected or scripted failures, bad bodies). */
    public long failed() {
        return failed.get();
    }

    /** The newest requests (those holding the newest 100,000 records), in the order they were answered. */
    public List<Request> requests() {
        synchronized (kept) {
            return new ArrayList<>(kept);
        }
    }

    /** {@link #requests()} answered 2xx. */
    public List<Request> delivered() {
        return requests().stream().filter(Request::delivered).toList();
    }

    /** Every record of {@link #delivered()}, in the order the requests were answered. */
    public List<JsonNode> deliveredRecords() {
        List<JsonNode> out = new ArrayList<>();
        delivered().forEach(r -> out.addAll(r.records()));
        return out;
    }

    /** The records delivered to {@code path} (null: to any path), oldest first. */
    public List<Received> received(String path) {
        List<Received> out = new ArrayList<>();
        for (Request request : delivered()) {
            if (path == null || request.path().equals(path)) {
                request.records().forEach(r -> out.add(new Received(request.path(), r)));
            }
        }
        return out;
    }

    /** The most requests that were in flight at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The most requests for the same key (of their first record) that were in flight at once. */
    public int maxInFlightPerKey() {
        return maxInFlightPerKey.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Request request = read(exchange);
            String key = request.key();
            AtomicInteger perKey = key == null ? null : inFlightPerKey.computeIfAbsent(key, k -> new AtomicInteger());
            if (perKey != null) {
                maxInFlightPerKey.accumulateAndGet(perKey.incrementAndGet(), Math::max);
            }
            Answer answer;
            try {
                answer = decide(request);
            } finally {
                if (perKey != null) {
                    perKey.decrementAndGet();
                }
                inFlight.decrementAndGet();
            }
            // Kept before answering: when the client sees the answer, the request is in the list.
            keep(request.answered(answer.status()));
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            send(exchange, answer.status(), "{\"status\":" + answer.status() + "}");
        } catch (IOException clientGone) {
            // The client timed out and closed the connection: the request counts as not delivered.
        }
    }

    private Request read(HttpExchange exchange) throws IOException {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(exchange.getRequestBody().readAllBytes());
        } catch (IOException e) {
            envelope = null;
        }
        String attempt = exchange.getRequestHeaders().getFirst(ATTEMPT_HEADER);
        return new Request(
                numbers.incrementAndGet(),
                exchange.getRequestURI().getPath(),
                attemptNumber(attempt),
                exchange.getRequestMethod(),
                Map.copyOf(exchange.getRequestHeaders()),
                envelope == null ? JSON.missingNode() : envelope,
                0);
    }

    private static int attemptNumber(String header) {
        try {
            return header == null ? 0 : Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return -1; // not the sink's header: kept as "some attempt", the request is still answered
        }
    }

    /**
     * Exactly {@code failShare} of the requests, spread evenly and starting with the first (request n fails
     * when ceil(n * share) grows): a run with few requests still sees one, where a random draw might not.
     */
    private boolean injectFailure() {
        if (failShare <= 0) {
            return false;
        }
        long n = requestsSeen.incrementAndGet();
        return Math.ceil(n * failShare) > Math.ceil((n - 1) * failShare);
    }

    private Answer decide(Request request) {
        try {
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
            if (injectFailure()) {
                failed.incrementAndGet();
                LOG.info("function {}: attempt {} answered 503 (injected failure)", request.path(), request.attempt());
                return Answer.status(503);
            }
            if (!request.envelope().path("records").isArray()) {
                failed.incrementAndGet();
                LOG.info("function {}: answered 400, the body is not the http-function envelope {\"records\":[...]}", request.path());
                return Answer.status(400);
            }
            Answer answer = behaviour.answer(request);
            int count = request.envelope().path("records").size();
            if (answer.status() >= 200 && answer.status() < 300) {
                invocations.incrementAndGet();
                records.addAndGet(count);
            } else {
                failed.incrementAndGet();
            }
            if (LOG.isInfoEnabled()) {
                LOG.info("function {}: {} records (attempt {}), keys {}, answered {}",
                        request.path(), count, request.attempt(), keys(request), answer.status());
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.incrementAndGet();
            return Answer.status(503);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.info("function {}: the scripted behaviour failed, answered 500", request.path(), e);
            return Answer.status(500);
        }
    }

    private void keep(Request request) {
        synchronized (kept) {
            kept.addLast(request);
            keptRecords += request.records().size();
            while (keptRecords > KEPT_RECORDS && kept.size() > 1) {
                keptRecords -= kept.removeFirst().records().size();
            }
        }
    }

    private static String keys(Request request) {
        List<String> keys = new ArrayList<>();
        for (JsonNode r : request.records()) {
            if (r.has("key") && !keys.contains(r.path("key").asText()) && keys.size() < 10) {
                keys.add(r.path("key").asText());
            }
        }
        return keys.toString();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
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
