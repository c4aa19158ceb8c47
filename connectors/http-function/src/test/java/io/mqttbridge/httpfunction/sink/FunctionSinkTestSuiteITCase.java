package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.testing.StringSinkContext;
import io.mqttbridge.connector.testing.StringSinkSuite;
import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.httpfunction.HttpFunctionOptions;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Nested;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink's own sink test suite (flink-connector-test-utils) against the http-function sink: basic
 * write, restart from a savepoint, scale up, scale down and the standard sink metrics, with a real
 * HTTP server on loopback as the external system. Only AT_LEAST_ONCE is claimed: a function
 * invocation cannot be rolled back, so EXACTLY_ONCE does not fit this sink.
 */
class FunctionSinkTestSuiteITCase {

    @Nested
    class FlinkSinkTestSuite extends StringSinkSuite {
        FlinkSinkTestSuite() {
            super(CheckpointingMode.AT_LEAST_ONCE, name -> new FunctionContext());
        }
    }

    /** One HTTP server per test case; the sink posts each string as a JSON string payload. */
    static final class FunctionContext extends StringSinkContext {

        private final FunctionEndpoint server;

        FunctionContext() {
            super("record");
            try {
                server = FunctionEndpoint.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Sink<String> createSink(TestingSinkSettings settings) {
            return FunctionSink.<String>builder()
                    .setUrl(server.url("/fn"))
                    .setName("test-suite")
                    .setOption(HttpFunctionOptions.MAX_MESSAGES, 7)
                    .setOption(HttpFunctionOptions.MAX_WAIT, Duration.ofMillis(100))
                    .setElementConverter((s, ctx) -> FunctionRecord.of(null, ("\"" + s + "\"").getBytes(StandardCharsets.UTF_8)))
                    .build();
        }

        /** The payloads delivered since the last poll, in delivery order (a retried batch is read again). */
        @Override
        public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
            int[] read = {0};
            return reader(() -> {
                List<String> all = new ArrayList<>();
                server.deliveredRecords().forEach(r -> all.add(r.path("payload").asText()));
                List<String> fresh = new ArrayList<>(all.subList(Math.min(read[0], all.size()), all.size()));
                read[0] = all.size();
                return fresh;
            });
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
