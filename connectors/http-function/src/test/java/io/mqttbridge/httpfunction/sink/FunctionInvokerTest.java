package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.embedded.FunctionEndpoint;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the invoker reads from a function's answer and sends with each request. */
class FunctionInvokerTest {

    @Test
    void retryAfterIsReadAsSecondsOrHttpDate() {
        assertThat(FunctionInvoker.retryAfter(headers("Retry-After", "3"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(FunctionInvoker.retryAfter(headers("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))).isEqualTo(Duration.ZERO);
        assertThat(FunctionInvoker.retryAfter(headers("Retry-After", "soon"))).isNull();
        assertThat(FunctionInvoker.retryAfter(headers("X-Other", "1"))).isNull();
    }

    /** The test endpoint (which knows no connector) spells the attempt header itself: the two must agree. */
    @Test
    void attemptHeaderIsTheOneTheFunctionEndpointReads() {
        assertThat(FunctionInvoker.ATTEMPT_HEADER).isEqualTo(FunctionEndpoint.ATTEMPT_HEADER);
    }

    private static HttpHeaders headers(String name, String value) {
        return HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
    }
}
