package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.httpfunction.HttpFunctionOptions;

import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FunctionSinkBuilderTest {

    private static FunctionSinkBuilder<String> valid() {
        return FunctionSink.<String>builder()
                .setUrl("https://fn.example.com/alerts")
                .setElementConverter((s, ctx) -> FunctionRecord.of(null, s.getBytes()));
    }

    @Test
    void typedOptionsAndHeadersReachTheConfig() {
        FunctionSinkConfig config = valid()
                .setOption(HttpFunctionOptions.MAX_MESSAGES, 50)
                .setOption(HttpFunctionOptions.RETRY_BACKOFF, Duration.ofMillis(50))
                .setOption(HttpFunctionOptions.ORDERING, HttpFunctionOptions.Ordering.SEQUENTIAL)
                .setOption(HttpFunctionOptions.BASE64_PAYLOAD, true)
                .setHeader("Authorization", "Bearer t")
                .setName("alerts")
                .build()
                .config();
        assertThat(config.url().toString()).isEqualTo("https://fn.example.com/alerts");
        assertThat(config.maxMessages()).isEqualTo(50);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.ordering()).isEqualTo(HttpFunctionOptions.Ordering.SEQUENTIAL);
        assertThat(config.payloadEncoding()).isEqualTo(PayloadEncoding.BASE64);
        assertThat(config.headers()).isEqualTo(Map.of("Authorization", "Bearer t"));
        assertThat(config.name()).isEqualTo("alerts");
    }

    @Test
    void buildChecksTheOptionsWithTheTablesWording() {
        assertThatThrownBy(() -> FunctionSink.<String>builder()
                        .setElementConverter((s, ctx) -> FunctionRecord.of(null, s.getBytes())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Missing required option 'url': expected ");
        assertThatThrownBy(() -> valid().setOption(HttpFunctionOptions.MAX_IN_FLIGHT, 0).build())
                .hasMessage("Invalid value '0' for option 'max-in-flight': expected a whole number from 1 to 1000");
    }

    @Test
    void missingConverterIsNamed() {
        assertThatThrownBy(() -> FunctionSink.<String>builder().setUrl("http://h/x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setElementConverter(...)");
    }
}
