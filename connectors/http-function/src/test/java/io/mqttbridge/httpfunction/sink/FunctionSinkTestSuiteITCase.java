package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.httpfunction.HttpFunctionOptions;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Nested;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Flink's own sink test suite (flink-connector-test-utils) against the http-function sink: basic
 * write, restart from a savepoint, scale up, scale down and the standard sink metrics, with a real
 * HTTP server on loopback as the external system. Only AT_LEAST_ONCE is claimed: a function
 * invocation cannot be rolled back, so EXACTLY_ONCE does not fit this sink.
 */
class FunctionSinkTestSuiteITCase {

    @Nested
    class FlinkSinkTestSuite extends SinkTestSuiteBase<String> {

        @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

        @TestSemantics CheckpointingMode[] semantics = new CheckpointingMode[] {CheckpointingMode.AT_LEAST_ONCE};

        @TestContext ExternalContextFactory<FunctionContext> contexts = name -> new FunctionContext();
    }

    /** One HTTP server per test case; the sink posts each string as a JSON string payload. */
    static final class FunctionContext implements DataStreamSinkV2ExternalContext<String> {

        private final FunctionEndpoint server;

        FunctionContext() {
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

        @Override
        public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
            return new ExternalSystemDataReader<>() {
                private int read;

                @Override
                public List<String> poll(Duration timeout) {
                    List<String> all = new ArrayList<>();
                    server.deliveredRecords().forEach(r -> all.add(r.path("payload").asText()));
                    List<String> fresh = new ArrayList<>(all.subList(Math.min(read, all.size()), all.size()));
                    read = all.size();
                    return fresh;
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public List<String> generateTestData(TestingSinkSettings settings, long seed) {
            Random random = new Random(seed);
            int n = 100 + random.nextInt(200);
            List<String> data = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                data.add("record-" + i + "-" + Long.toHexString(random.nextLong()));
            }
            return data;
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }

        @Override
        public List<URL> getConnectorJarPaths() {
            return List.of();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
