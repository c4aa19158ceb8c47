package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.options.FailurePolicy;
import io.mqttbridge.httpfunction.HttpFunctionOptions;
import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Option checks and defaults of the sink's configuration. */
class FunctionSinkConfigTest {

    /** Options as written in SQL; 'headers.&lt;Name&gt;' keys become headers, a null value removes the key. */
    static FunctionSinkConfig config(String... keyValues) {
        Map<String, String> options = new HashMap<>();
        Map<String, String> headers = new HashMap<>();
        options.put("url", "http://127.0.0.1:8090/fn");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                options.remove(keyValues[i]);
            } else if (keyValues[i].startsWith(HttpFunctionOptions.HEADERS_PREFIX)) {
                headers.put(keyValues[i].substring(HttpFunctionOptions.HEADERS_PREFIX.length()), keyValues[i + 1]);
            } else {
                options.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return FunctionSinkConfig.of(Configuration.fromMap(options), headers, PayloadEncoding.JSON, "fn");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        FunctionSinkConfig c = config();
        assertThat(c.method()).isEqualTo("POST");
        assertThat(c.maxMessages()).isEqualTo(1);
        assertThat(c.retries()).isEqualTo(3);
        assertThat(c.ordering()).isEqualTo(HttpFunctionOptions.Ordering.CONCURRENT);
        assertThat(c.failureHandling()).isEqualTo(FailurePolicy.FAIL);
        assertThat(c.payloadEncoding()).isEqualTo(PayloadEncoding.JSON);
    }

    @Test
    void missingUrlIsNamed() {
        assertThatThrownBy(() -> config("url", null))
                .hasMessage("Missing required option 'url': expected the function's address, e.g. 'http://127.0.0.1:8090/low-battery'");
        assertThatThrownBy(() -> config("url", " "))
                .hasMessageStartingWith("Missing required option 'url'");
    }

    @Test
    void malformedUrlIsNamed() {
        String expected = "' for option 'url': expected an absolute http:// or https:// URL with a host, "
                + "e.g. 'http://127.0.0.1:8090/low-battery'";
        assertThatThrownBy(() -> config("url", "not a url")).hasMessage("Invalid value 'not a url" + expected);
        assertThatThrownBy(() -> config("url", "ftp://host/x")).hasMessage("Invalid value 'ftp://host/x" + expected);
        assertThatThrownBy(() -> config("url", "/relative")).hasMessage("Invalid value '/relative" + expected);
        assertThatThrownBy(() -> config("url", "localhost:8090")).hasMessage("Invalid value 'localhost:8090" + expected);
    }

    @Test
    void urlQueryIsNotShownInErrorsOrToString() {
        assertThatThrownBy(() -> config("url", "ftp://host/x?code=SECRET")).hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> config("url", "http://a b/?code=SECRET")).hasMessageNotContaining("SECRET");
        FunctionSinkConfig c = config("url", "https://fn.example.com/api?code=SECRET", "headers.Authorization", "Bearer TOKEN");
        assertThat(c.toString()).doesNotContain("SECRET").doesNotContain("TOKEN").contains("Authorization");
        assertThat(c.safeUrl()).isEqualTo("https://fn.example.com/api?…");
    }

    @Test
    void nonPositiveSizesAndDurationsAreNamedWithTheirRange() {
        assertThatThrownBy(() -> config("max-messages", "0"))
                .hasMessage("Invalid value '0' for option 'max-messages': expected a whole number from 1 to 10000");
        assertThatThrownBy(() -> config("max-messages", "10001"))
                .hasMessage("Invalid value '10001' for option 'max-messages': expected a whole number from 1 to 10000");
        assertThatThrownBy(() -> config("max-in-flight", "-1"))
                .hasMessage("Invalid value '-1' for option 'max-in-flight': expected a whole number from 1 to 1000");
        assertThatThrownBy(() -> config("retries", "101"))
                .hasMessage("Invalid value '101' for option 'retries': expected a whole number from 0 to 100");
        assertThatThrownBy(() -> config("max-wait", "0 ms"))
                .hasMessage("Invalid value '0 ms' for option 'max-wait': expected a positive duration such as '500 ms' or '10 s'");
        assertThatThrownBy(() -> config("request-timeout", "0 s")).hasMessageStartingWith("Invalid value '0 ms' for option 'request-timeout'");
        assertThatThrownBy(() -> config("connect-timeout", "0 s")).hasMessageStartingWith("Invalid value '0 ms' for option 'connect-timeout'");
        assertThatThrownBy(() -> config("retry-backoff", "0 s")).hasMessageStartingWith("Invalid value '0 ms' for option 'retry-backoff'");
        assertThatThrownBy(() -> config("retry-backoff", "1 s", "retry-backoff-max", "100 ms"))
                .hasMessage("Invalid value '100 ms' for option 'retry-backoff-max': expected a duration not shorter than "
                        + "option 'retry-backoff' (1 s)");
        assertThat(config("retries", "0").retries()).isZero();
    }

    @Test
    void otherBadValuesAreNamed() {
        assertThatThrownBy(() -> config("method", "GET"))
                .hasMessage("Invalid value 'GET' for option 'method': expected 'POST' or 'PUT'");
        assertThat(config("method", "put").method()).isEqualTo("PUT");
        assertThatThrownBy(() -> config("headers.Bad Header", "secret-value"))
                .hasMessage("Invalid value 'Bad Header' for option 'headers.<Name>': expected an HTTP header name: "
                        + "letters, digits and !#$%&'*+-.^_`|~")
                .hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> config("failure-handling", "dead-letter"))
                .hasMessage("Missing required option 'dead-letter.path': expected a directory such as "
                        + "file:///var/dead-letters or s3://bucket/dead-letters, because option 'failure-handling' is 'dead-letter'");
        assertThat(config("failure-handling", "dead-letter", "dead-letter.path", "file:///tmp/dl").failureHandling())
                .isEqualTo(FailurePolicy.DEAD_LETTER);
        assertThat(config("ordering", "sequential").ordering()).isEqualTo(HttpFunctionOptions.Ordering.SEQUENTIAL);
        assertThat(config("base64-payload", "true").payloadEncoding()).isEqualTo(PayloadEncoding.BASE64);
    }
}
