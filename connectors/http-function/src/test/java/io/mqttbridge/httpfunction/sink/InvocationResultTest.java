package io.mqttbridge.httpfunction.sink;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which HTTP answers are retried: timeouts, throttling and server errors, not client errors or redirects. */
class InvocationResultTest {

    @Test
    void statusClassification() {
        assertThat(InvocationResult.isRetryableStatus(408)).isTrue();
        assertThat(InvocationResult.isRetryableStatus(429)).isTrue();
        assertThat(InvocationResult.isRetryableStatus(500)).isTrue();
        assertThat(InvocationResult.isRetryableStatus(503)).isTrue();
        assertThat(InvocationResult.isRetryableStatus(400)).isFalse();
        assertThat(InvocationResult.isRetryableStatus(401)).isFalse();
        assertThat(InvocationResult.isRetryableStatus(404)).isFalse();
        assertThat(InvocationResult.isRetryableStatus(302)).isFalse();
    }
}
