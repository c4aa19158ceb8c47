package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.httpfunction.HttpFunctionOptions;

import io.mqttbridge.httpfunction.HttpFunctionOptions.FailureHandling;
import io.mqttbridge.httpfunction.HttpFunctionOptions.Ordering;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checked settings of one {@code http-function} sink. Built once from {@link HttpFunctionOptions}
 * (by the builder or the table factory) so that every bad value is reported before the job runs,
 * with the option's name and what it accepts. {@link #toString()} never shows header values or the
 * URL's query: both may hold secrets.
 */
@Internal
public final class FunctionSinkConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Set<String> METHODS = Set.of("POST", "PUT");

    /** How each record's bytes travel in the envelope. */
    public enum PayloadEncoding {
        /** The bytes are JSON (format 'json') and are embedded as they are. */
        JSON,
        /** The bytes are UTF-8 text (format 'csv', 'raw' of text, ...) and become a JSON string. */
        TEXT,
        /** The bytes are sent as a base64 string ('base64-payload' = 'true'). */
        BASE64;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final URI url;
    private final String method;
    private final Map<String, String> headers;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final int maxMessages;
    private final Duration maxWait;
    private final int maxInFlight;
    private final int retries;
    private final Duration retryBackoff;
    private final Duration retryBackoffMax;
    private final Ordering ordering;
    private final PayloadEncoding payloadEncoding;
    private final FailureHandling failureHandling;
    private final String deadLetterPath;
    private final String name;

    private FunctionSinkConfig(ReadableConfig options, Map<String, String> headers, PayloadEncoding encoding, String name) {
        this.url = parseUrl(options.get(HttpFunctionOptions.URL));
        this.method = options.get(HttpFunctionOptions.METHOD).toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw invalid(HttpFunctionOptions.METHOD, options.get(HttpFunctionOptions.METHOD), "POST or PUT");
        }
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        for (String header : this.headers.keySet()) {
            if (header.isEmpty() || !header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException(
                        "Invalid option '" + HttpFunctionOptions.HEADERS_PREFIX + header
                                + "': '" + header + "' is not a valid HTTP header name.");
            }
        }
        this.requestTimeout = positive(options, HttpFunctionOptions.REQUEST_TIMEOUT);
        this.connectTimeout = positive(options, HttpFunctionOptions.CONNECT_TIMEOUT);
        this.maxMessages = range(options, HttpFunctionOptions.MAX_MESSAGES, 1, HttpFunctionOptions.MAX_MESSAGES_LIMIT);
        this.maxWait = positive(options, HttpFunctionOptions.MAX_WAIT);
        this.maxInFlight = range(options, HttpFunctionOptions.MAX_IN_FLIGHT, 1, HttpFunctionOptions.MAX_IN_FLIGHT_LIMIT);
        this.retries = range(options, HttpFunctionOptions.RETRIES, 0, HttpFunctionOptions.RETRIES_LIMIT);
        this.retryBackoff = positive(options, HttpFunctionOptions.RETRY_BACKOFF);
        this.retryBackoffMax = positive(options, HttpFunctionOptions.RETRY_BACKOFF_MAX);
        if (retryBackoffMax.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException(
                    "Invalid option '" + HttpFunctionOptions.RETRY_BACKOFF_MAX.key() + "': " + retryBackoffMax
                            + " is less than '" + HttpFunctionOptions.RETRY_BACKOFF.key() + "' (" + retryBackoff + ").");
        }
        this.ordering = options.get(HttpFunctionOptions.ORDERING);
        this.payloadEncoding = encoding;
        this.failureHandling = options.get(HttpFunctionOptions.FAILURE_HANDLING);
        this.deadLetterPath = options.getOptional(HttpFunctionOptions.DEAD_LETTER_PATH).orElse(null);
        if (failureHandling == FailureHandling.DEAD_LETTER && (deadLetterPath == null || deadLetterPath.isBlank())) {
            throw new IllegalArgumentException(
                    "Option '" + HttpFunctionOptions.FAILURE_HANDLING.key() + "' = 'dead-letter' requires '"
                            + HttpFunctionOptions.DEAD_LETTER_PATH.key() + "' (a directory such as file:///var/dead-letters or s3://bucket/dead-letters).");
        }
        if (deadLetterPath != null) {
            try {
                new org.apache.flink.core.fs.Path(deadLetterPath);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Invalid option '" + HttpFunctionOptions.DEAD_LETTER_PATH.key() + "': " + e.getMessage());
            }
        }
        this.name = name;
    }

    /**
     * Checks {@code options} (keys of {@link HttpFunctionOptions}; {@code headers.<Name>} keys become
     * request headers). {@code name} labels logs, metrics and the envelope (the table name).
     *
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    public static FunctionSinkConfig of(Map<String, String> options, PayloadEncoding encoding, String name) {
        Configuration config = Configuration.fromMap(options);
        Map<String, String> headers = new LinkedHashMap<>();
        options.forEach(
                (key, value) -> {
                    if (key.startsWith(HttpFunctionOptions.HEADERS_PREFIX)) {
                        headers.put(key.substring(HttpFunctionOptions.HEADERS_PREFIX.length()), value);
                    }
                });
        if (!config.getOptional(HttpFunctionOptions.URL).isPresent()) {
            throw new IllegalArgumentException(
                    "Option '" + HttpFunctionOptions.URL.key() + "' is required: the address of the function, e.g. 'http://127.0.0.1:8090/low-battery'.");
        }
        if (config.get(HttpFunctionOptions.BASE64_PAYLOAD)) {
            encoding = PayloadEncoding.BASE64;
        }
        return new FunctionSinkConfig(config, headers, encoding, name);
    }

    private static URI parseUrl(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "Invalid option '" + HttpFunctionOptions.URL.key() + "': not a URL (" + e.getReason() + ").");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "Invalid option '" + HttpFunctionOptions.URL.key() + "': '" + redact(uri)
                            + "' must be an absolute http:// or https:// URL with a host.");
        }
        return uri;
    }

    private static Duration positive(ReadableConfig options, ConfigOption<Duration> option) {
        Duration d = options.get(option);
        if (d.isZero() || d.isNegative()) {
            throw invalid(option, d.toString(), "a positive duration such as '500 ms' or '10 s'");
        }
        return d;
    }

    private static int range(ReadableConfig options, ConfigOption<Integer> option, int min, int max) {
        int v = options.get(option);
        if (v < min || v > max) {
            throw invalid(option, Integer.toString(v), "a whole number from " + min + " to " + max);
        }
        return v;
    }

    private static IllegalArgumentException invalid(ConfigOption<?> option, String value, String accepted) {
        return new IllegalArgumentException(
                "Invalid value for option '" + option.key() + "': '" + value + "'. Accepted: " + accepted + ".");
    }

    /** The URL without user info and query, which may carry credentials (function keys). */
    static String redact(URI uri) {
        StringBuilder s = new StringBuilder();
        if (uri.getScheme() != null) {
            s.append(uri.getScheme()).append("://");
        }
        if (uri.getHost() != null) {
            s.append(uri.getHost());
        }
        if (uri.getPort() >= 0) {
            s.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            s.append("?…");
        }
        return s.toString();
    }

    public URI url() {
        return url;
    }

    /** The URL as it may appear in logs and error messages. */
    public String safeUrl() {
        return redact(url);
    }

    public String method() {
        return method;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int maxMessages() {
        return maxMessages;
    }

    public Duration maxWait() {
        return maxWait;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Records the sink buffers before write() blocks: room to fill the next batches while
     * max-in-flight are out; beyond it, back-pressure towards the source (which then holds MQTT acks).
     */
    public int maxBufferedRequests() {
        return Math.max(1_000, maxMessages * (maxInFlight + 1)) + 1;
    }

    public int retries() {
        return retries;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration retryBackoffMax() {
        return retryBackoffMax;
    }

    public Ordering ordering() {
        return ordering;
    }

    public PayloadEncoding payloadEncoding() {
        return payloadEncoding;
    }

    public FailureHandling failureHandling() {
        return failureHandling;
    }

    public String deadLetterPath() {
        return deadLetterPath;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "http-function '" + name + "' " + method + " " + safeUrl() + " (headers " + headers.keySet()
                + ", max-messages " + maxMessages + ", max-wait " + maxWait + ", max-in-flight " + maxInFlight
                + ", retries " + retries + ", retry-backoff " + retryBackoff + ".." + retryBackoffMax
                + ", ordering " + ordering + ", encoding " + payloadEncoding + ", failure-handling "
                + failureHandling + ")";
    }
}
