package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.util.ExceptionUtils;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sends one attempt of one invocation with the JDK's HTTP client and classifies the answer. Does
 * not retry: {@link BatchDelivery} decides that. Header values are set on the request only; they
 * appear in no message this class produces.
 */
@Internal
public class FunctionInvoker {

    /** Header telling the function which attempt of a batch this is (1 = first). */
    public static final String ATTEMPT_HEADER = "X-Mqtt-Bridge-Attempt";

    private static final int MAX_ERROR_BODY = 200;

    private final FunctionSinkConfig config;
    private final HttpClient client;

    public FunctionInvoker(FunctionSinkConfig config, Executor executor) {
        this.config = config;
        this.client =
                HttpClient.newBuilder()
                        // HTTP/1.1 keep-alive: no h2c upgrade round trip against plain-http endpoints.
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(config.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build();
    }

    /** Sends {@code body}; the future never completes exceptionally. */
    public CompletableFuture<InvocationResult> invoke(byte[] body, int attempt) {
        HttpRequest request;
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(config.url())
                            .timeout(config.requestTimeout())
                            .method(config.method(), HttpRequest.BodyPublishers.ofByteArray(body))
                            .header(ATTEMPT_HEADER, Integer.toString(attempt));
            boolean contentType = false;
            for (Map.Entry<String, String> h : config.headers().entrySet()) {
                b.header(h.getKey(), h.getValue());
                contentType |= h.getKey().equalsIgnoreCase("Content-Type");
            }
            if (!contentType) {
                b.header("Content-Type", "application/json");
            }
            request = b.build();
        } catch (IllegalArgumentException e) {
            // A restricted header (Host, Connection, ...): says which, never its value.
            return CompletableFuture.completedFuture(
                    InvocationResult.failed(InvocationResult.NO_RESPONSE, false, null,
                            "the request could not be built: " + e.getMessage()));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> error == null ? classify(response) : classify(error));
    }

    private InvocationResult classify(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status <= 299) {
            return InvocationResult.delivered(status);
        }
        String body = new String(response.body(), StandardCharsets.UTF_8).strip();
        if (body.length() > MAX_ERROR_BODY) {
            body = body.substring(0, MAX_ERROR_BODY) + "…";
        }
        boolean retryable = InvocationResult.isRetryableStatus(status);
        String error =
                config.method() + " " + config.safeUrl() + " answered HTTP " + status
                        + (body.isEmpty() ? "" : ": " + body)
                        + (retryable ? "" : " (not retried: a 4xx other than 408/429 means the request itself is wrong)");
        return InvocationResult.failed(status, retryable, retryable ? retryAfter(response.headers()) : null, error);
    }

    private InvocationResult classify(Throwable error) {
        Throwable e = ExceptionUtils.stripCompletionException(error);
        String what;
        if (e instanceof HttpConnectTimeoutException) {
            what = "connect timed out after " + config.connectTimeout();
        } else if (e instanceof HttpTimeoutException) {
            what = "no response within request-timeout " + config.requestTimeout();
        } else if (e instanceof ConnectException) {
            what = "connection refused or unreachable (" + e + ")";
        } else if (e instanceof IOException) {
            what = "I/O error (" + e + ")";
        } else {
            return InvocationResult.failed(InvocationResult.NO_RESPONSE, false, null,
                    config.method() + " " + config.safeUrl() + " failed: " + e);
        }
        return InvocationResult.failed(InvocationResult.NO_RESPONSE, true, null,
                config.method() + " " + config.safeUrl() + ": " + what);
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110, 10.2.3); absent or invalid: null. */
    @VisibleForTesting
    static Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").map(String::trim).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value);
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
