package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.options.FailurePolicy;
import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.httpfunction.HttpFunctionOptions.Ordering;
import io.mqttbridge.httpfunction.HttpFunctionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.mqttbridge.connector.options.OptionChecks.intInRange;
import static io.mqttbridge.connector.options.OptionChecks.invalid;
import static io.mqttbridge.connector.options.OptionChecks.missing;
import static io.mqttbridge.connector.options.OptionChecks.optionalString;
import static io.mqttbridge.connector.options.OptionChecks.positiveDuration;
import static io.mqttbridge.connector.options.OptionChecks.requireString;

/**
 * The checked settings of one {@code http-function} sink. Built once from a typed configuration of
 * {@link HttpFunctionOptions} (by the builder's build() or the table factory) so that every bad
 * value is reported before the job runs, with the option's name and what it accepts. {@link #toString()} never shows header values or the
 * URL's query: both may hold secrets.
 */
@Internal
public final class FunctionSinkConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Set<String> URL_SCHEMES = Set.of("http", "https");
    private static final String EXAMPLE_URL = "http://127.0.0.1:8090/low-battery";
    /** RFC 9110 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

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
    private final FailurePolicy failureHandling;
    private final String deadLetterPath;
    private final String name;

    private FunctionSinkConfig(ReadableConfig options, Map<String, String> headers, PayloadEncoding encoding, String name) {
        this.url = OptionChecks.uri(
                HttpFunctionOptions.URL,
                requireString(options, HttpFunctionOptions.URL, "the function's address, e.g. '" + EXAMPLE_URL + "'"),
                URL_SCHEMES,
                "an absolute http:// or https:// URL with a host, e.g. '" + EXAMPLE_URL + "'");
        this.method = OptionChecks.oneOf(HttpFunctionOptions.METHOD, options.get(HttpFunctionOptions.METHOD), "POST", "PUT");
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        for (String header : this.headers.keySet()) {
            if (!HEADER_NAME.matcher(header).matches()) {
                // the header's name is shown, never its value (it may be a credential)
                throw invalid(
                        HttpFunctionOptions.HEADERS_PREFIX + "<Name>",
                        header,
                        "an HTTP header name: letters, digits and !#$%&'*+-.^_`|~");
            }
        }
        this.requestTimeout = positiveDuration(options, HttpFunctionOptions.REQUEST_TIMEOUT);
        this.connectTimeout = positiveDuration(options, HttpFunctionOptions.CONNECT_TIMEOUT);
        this.maxMessages = intInRange(options, HttpFunctionOptions.MAX_MESSAGES, 1, HttpFunctionOptions.MAX_MESSAGES_LIMIT);
        this.maxWait = positiveDuration(options, HttpFunctionOptions.MAX_WAIT);
        this.maxInFlight = intInRange(options, HttpFunctionOptions.MAX_IN_FLIGHT, 1, HttpFunctionOptions.MAX_IN_FLIGHT_LIMIT);
        this.retries = intInRange(options, HttpFunctionOptions.RETRIES, 0, HttpFunctionOptions.RETRIES_LIMIT);
        this.retryBackoff = positiveDuration(options, HttpFunctionOptions.RETRY_BACKOFF);
        this.retryBackoffMax = positiveDuration(options, HttpFunctionOptions.RETRY_BACKOFF_MAX);
        OptionChecks.notShorter(HttpFunctionOptions.RETRY_BACKOFF_MAX, retryBackoffMax, HttpFunctionOptions.RETRY_BACKOFF, retryBackoff);
        this.ordering = options.get(HttpFunctionOptions.ORDERING);
        this.payloadEncoding = options.get(HttpFunctionOptions.BASE64_PAYLOAD) ? PayloadEncoding.BASE64 : encoding;
        this.failureHandling = options.get(HttpFunctionOptions.FAILURE_HANDLING);
        this.deadLetterPath = optionalString(options, HttpFunctionOptions.DEAD_LETTER_PATH);
        if (failureHandling == FailurePolicy.DEAD_LETTER && deadLetterPath == null) {
            throw missing(
                    HttpFunctionOptions.DEAD_LETTER_PATH,
                    "a directory such as file:///var/dead-letters or s3://bucket/dead-letters, because option '"
                            + HttpFunctionOptions.FAILURE_HANDLING.key() + "' is 'dead-letter'");
        }
        if (deadLetterPath != null) {
            try {
                new org.apache.flink.core.fs.Path(deadLetterPath);
            } catch (IllegalArgumentException e) {
                throw invalid(
                        HttpFunctionOptions.DEAD_LETTER_PATH, deadLetterPath, "a directory of a Flink file system (" + e.getMessage() + ")");
            }
        }
        this.name = name;
    }

    /**
     * Checks {@code options} (those of {@link HttpFunctionOptions}); {@code headers} are the request
     * headers by name. {@code name} labels logs, metrics and the envelope (the table name).
     * 'base64-payload' = true overrides {@code encoding}.
     *
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    public static FunctionSinkConfig of(
            ReadableConfig options, Map<String, String> headers, PayloadEncoding encoding, String name) {
        return new FunctionSinkConfig(options, headers, encoding, name);
    }

    public URI url() {
        return url;
    }

    /** The URL as it may appear in logs and error messages. */
    public String safeUrl() {
        return OptionChecks.redact(url);
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

    public FailurePolicy failureHandling() {
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
