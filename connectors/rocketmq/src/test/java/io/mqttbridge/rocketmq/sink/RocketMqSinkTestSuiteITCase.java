package io.mqttbridge.rocketmq.sink;

import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.rocketmq.RocketMqOptions;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
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
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Flink's own sink test suite (flink-connector-test-utils) against the rocketmq sink: basic write,
 * restart from a savepoint, scale up, scale down and the standard sink metrics, with a real RocketMQ
 * broker in this JVM as the external system (a fresh topic per case). Only AT_LEAST_ONCE is claimed:
 * RocketMQ's producer has no transactions that span a Flink checkpoint, so EXACTLY_ONCE does not fit.
 */
class RocketMqSinkTestSuiteITCase {

    private static EmbeddedRocketMq rocketMq;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    static synchronized EmbeddedRocketMq rocketMq() {
        if (rocketMq == null) {
            try {
                rocketMq = EmbeddedRocketMq.start(Files.createTempDirectory("rocketmq-suite"), 0, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rocketMq;
    }

    @AfterAll
    static void stopRocketMq() {
        if (rocketMq != null) {
            rocketMq.close();
        }
    }

    @Nested
    class FlinkSinkTestSuite extends SinkTestSuiteBase<String> {

        @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

        @TestSemantics CheckpointingMode[] semantics = new CheckpointingMode[] {CheckpointingMode.AT_LEAST_ONCE};

        @TestContext ExternalContextFactory<TopicContext> contexts = name -> new TopicContext();
    }

    /** A fresh topic per test case; each string is one message body. */
    static final class TopicContext implements DataStreamSinkV2ExternalContext<String> {

        private final String topic = "suite-" + TOPICS.incrementAndGet();

        TopicContext() {
            rocketMq().createTopic(topic, 2);
        }

        @Override
        public Sink<String> createSink(TestingSinkSettings settings) {
            Configuration options = new Configuration();
            options.set(RocketMqOptions.NAME_SERVER, rocketMq().nameServer());
            options.set(RocketMqOptions.TOPIC, topic);
            return new RocketMqSink<>(
                    RocketMqSinkConfig.of(options, Map.of()),
                    s -> new Message(null, s.getBytes(StandardCharsets.UTF_8)));
        }

        /** Reads the messages stored since the last poll, told apart by their broker-assigned ids (queues grow independently). */
        @Override
        public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
            Set<String> seen = new HashSet<>();
            return new ExternalSystemDataReader<>() {
                @Override
                public List<String> poll(Duration timeout) {
                    return rocketMq().messages(topic).stream()
                            .filter(m -> seen.add(m.getMsgId()))
                            .map(m -> new String(m.getBody(), StandardCharsets.UTF_8))
                            .collect(Collectors.toList());
                }

                @Override
                public void close() {}
            };
        }

        /** 100 to 299 distinct bodies, a different set per seed. */
        @Override
        public List<String> generateTestData(TestingSinkSettings settings, long seed) {
            Random random = new Random(seed);
            return IntStream.range(0, 100 + random.nextInt(200))
                    .mapToObj(i -> "station-" + i + "-" + Long.toHexString(random.nextLong()))
                    .collect(Collectors.toList());
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
        public void close() {}
    }
}
