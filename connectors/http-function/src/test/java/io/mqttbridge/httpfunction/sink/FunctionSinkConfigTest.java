package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.httpfunction.HttpFunctionOptions;

import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Option checks and defaults of the sink's configuration. */
class FunctionSinkConfigTest {

    private static FunctionSinkConfig config(String... keyValues) {
        Map<String, String> options = new HashMap<>();
        options.put("url", "http://127.0.0.1:8090/fn");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                options.remove(keyValues[i]);
            } else {
                options.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return FunctionSinkConfig.of(options, PayloadEncoding.JSON, "fn");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        FunctionSinkConfig c = config();
        assertThat(c.method()).isEqualTo("POST");
        assertThat(c.maxMessages()).isEqualTo(1);
        assertThat(c.retries()).isEqualTo(3);
        assertThat(c.ordering()).isEqualTo(HttpFunctionOptions.Ordering.CONCURRENT);
        assertThat(c.failureHandling()).isEqualTo(HttpFunctionOptions.FailureHandling.FAIL);
        assertThat(c.payloadEncoding()).isEqualTo(PayloadEncoding.JSON);
    }

    @Test
    void missingUrlIsNamed() {
        assertThatThrownBy(() -> config("url", null))
                .hasMessageContaining("Option 'url' is required");
    }

    @Test
    void malformedUrlIsNamed() {
        assertThatThrownBy(() -> config("url", "not a url")).hasMessageContaining("Invalid option 'url'");
        assertThatThrownBy(() -> config("url", "ftp://host/x")).hasMessageContaining("'url'").hasMessageContaining("http://");
        assertThatThrownBy(() -> config("url", "/relative")).hasMessageContaining("'url'");
    }

    @Test
    void urlQueryIsNotShownInErrorsOrToString() {
        assertThatThrownBy(() -> config("url", "ftp://host/x?code=SECRET")).hasMessageNotContaining("SECRET");
        FunctionSinkConfig c = config("url", "https://fn.example.com/api?code=SECRET", "headers.Authorization", "Bearer TOKEN");
        assertThat(c.toString()).doesNotContain("SECRET").doesNotContain("TOKEN").contains("Authorization");
        assertThat(c.safeUrl()).isEqualTo("https://fn.example.com/api?…");
    }

    @Test
    void nonPositiveSizesAndDurationsAreNamedWithTheirRange() {
        assertThatThrownBy(() -> config("max-messages", "0"))
                .hasMessage("Invalid value for option 'max-messages': '0'. Accepted: a whole number from 1 to 10000.");
        assertThatThrownBy(() -> config("max-messages", "10001")).hasMessageContaining("'max-messages'");
        assertThatThrownBy(() -> config("max-in-flight", "-1")).hasMessageContaining("'max-in-flight'");
        assertThatThrownBy(() -> config("retries", "-1")).hasMessageContaining("'retries'");
        assertThatThrownBy(() -> config("max-wait", "0 ms")).hasMessageContaining("'max-wait'").hasMessageContaining("positive");
        assertThatThrownBy(() -> config("request-timeout", "0 s")).hasMessageContaining("'request-timeout'");
        assertThatThrownBy(() -> config("retry-backoff", "1 s", "retry-backoff-max", "100 ms"))
                .hasMessageContaining("'retry-backoff-max'");
    }

    @Test
    void otherBadValuesAreNamed() {
        assertThatThrownBy(() -> config("method", "GET")).hasMessageContaining("'method'").hasMessageContaining("POST or PUT");
        assertThatThrownBy(() -> config("headers.Bad Header", "x")).hasMessageContaining("'headers.Bad Header'");
        assertThatThrownBy(() -> config("failure-handling", "dead-letter"))
                .hasMessageContaining("requires 'dead-letter.path'");
        assertThat(config("failure-handling", "dead-letter", "dead-letter.path", "file:///tmp/dl").failureHandling())
                .isEqualTo(HttpFunctionOptions.FailureHandling.DEAD_LETTER);
        assertThat(config("ordering", "sequential").ordering()).isEqualTo(HttpFunctionOptions.Ordering.SEQUENTIAL);
        assertThat(config("base64-payload", "true").payloadEncoding()).isEqualTo(PayloadEncoding.BASE64);
    }
}
