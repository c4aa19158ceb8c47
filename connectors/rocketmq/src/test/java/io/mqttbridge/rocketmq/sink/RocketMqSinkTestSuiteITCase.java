package io.mqttbridge.rocketmq.sink;

import io.mqttbridge.connector.testing.ExternalSystemExtension;
import io.mqttbridge.connector.testing.StringSinkContext;
import io.mqttbridge.connector.testing.StringSinkSuite;
import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.rocketmq.RocketMqOptions;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Flink's own sink test suite (flink-connector-test-utils) against the rocketmq sink: basic write,
 * restart from a savepoint, scale up, scale down and the standard sink metrics, with a real RocketMQ
 * broker in this JVM as the external system (a fresh topic per case). Only AT_LEAST_ONCE is claimed:
 * RocketMQ's producer has no transactions that span a Flink checkpoint, so EXACTLY_ONCE does not fit.
 */
class RocketMqSinkTestSuiteITCase {

    private static final AtomicInteger TOPICS = new AtomicInteger();

    @RegisterExtension
    static final ExternalSystemExtension<EmbeddedRocketMq> ROCKETMQ =
            new ExternalSystemExtension<>(folder -> EmbeddedRocketMq.start(folder, 0, false));

    @Nested
    class FlinkSinkTestSuite extends StringSinkSuite {
        FlinkSinkTestSuite() {
            super(CheckpointingMode.AT_LEAST_ONCE, name -> new TopicContext("suite-" + TOPICS.incrementAndGet()));
        }
    }

    /** A fresh topic per test case; each string is one message body. */
    static final class TopicContext extends StringSinkContext {

        private final String topic;

        TopicContext(String topic) {
            super(topic);
            this.topic = topic;
            ROCKETMQ.get().createTopic(topic, 2);
        }

        @Override
        public Sink<String> createSink(TestingSinkSettings settings) {
            Configuration options = new Configuration();
            options.set(RocketMqOptions.NAME_SERVER, ROCKETMQ.get().nameServer());
            options.set(RocketMqOptions.TOPIC, topic);
            // Flink's suite waits for its results without a deadline, and a failed send restarts the job
            // (its metrics case then never sees the full count): on a loaded machine, give sends time.
            options.set(RocketMqOptions.SEND_TIMEOUT, Duration.ofSeconds(30));
            return new RocketMqSink<>(
                    RocketMqSinkConfig.of(options, Map.of()),
                    s -> new Message(null, s.getBytes(StandardCharsets.UTF_8)));
        }

        /** Reads the messages stored since the last poll, told apart by their broker-assigned ids (queues grow independently). */
        @Override
        public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
            Set<String> seen = new HashSet<>();
            return reader(() -> ROCKETMQ.get().messages(topic).stream()
                    .filter(m -> seen.add(m.getMsgId()))
                    .map(m -> new String(m.getBody(), StandardCharsets.UTF_8))
                    .collect(Collectors.toList()));
        }
    }
}
