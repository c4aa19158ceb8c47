package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.time.Duration;

/**
 * How one HTTP attempt ended: delivered (2xx), retryable (408, 429, 5xx, timeout, connection
 * error) or fatal (any other status, or a request that cannot be built).
 */
@Internal
public final class InvocationResult {

    /** Status of attempts that got no HTTP response (timeout, connection error). */
    public static final int NO_RESPONSE = -1;

    private final int status;
    private final boolean delivered;
    private final boolean retryable;
    @Nullable private final Duration retryAfter;
    @Nullable private final String error;

    private InvocationResult(int status, boolean delivered, boolean retryable, @Nullable Duration retryAfter, @Nullable String error) {
        this.status = status;
        this.delivered = delivered;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.error = error;
    }

    static InvocationResult delivered(int status) {
        return new InvocationResult(status, true, false, null, null);
    }

    static InvocationResult failed(int status, boolean retryable, @Nullable Duration retryAfter, String error) {
        return new InvocationResult(status, false, retryable, retryAfter, error);
    }

    /** The classification of an HTTP status: 408, 429 and 5xx are worth another attempt. */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    public int status() {
        return status;
    }

    public boolean isDelivered() {
        return delivered;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** The server's Retry-After, if it sent a valid one. */
    @Nullable
    public Duration retryAfter() {
        return retryAfter;
    }

    /** What went wrong, for logs, dead letters and the job's failure cause. */
    @Nullable
    public String error() {
        return error;
    }
}
