package io.mqttbridge.mqtt.sink;

import io.mqttbridge.connector.testing.ExternalSystemExtension;
import io.mqttbridge.connector.testing.StringSinkContext;
import io.mqttbridge.connector.testing.StringSinkSuite;
import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flink's own sink test suite (flink-connector-test-utils) against the mqtt sink: basic write, restart
 * from a savepoint, scale up, scale down and the standard sink metrics, with an embedded HiveMQ CE broker
 * as the external system (a fresh topic per case, each string one QoS 1 payload). Only AT_LEAST_ONCE is
 * claimed: a PUBLISH cannot be taken back, so EXACTLY_ONCE does not fit this sink.
 *
 * <p>MQTT keeps nothing for a subscriber that was not there, and the suite creates its reader after the
 * job ran: each case's context subscribes when it is created, before the job, and its reader hands out
 * what arrived since the last poll, never blocking. The suite waits for the records without a deadline,
 * so the connect timeout is generous and the subscriber's waits are bounded: a failure shows as one.
 */
class MqttSinkTestSuiteITCase {

    private static final AtomicInteger CASES = new AtomicInteger();

    @RegisterExtension
    static final ExternalSystemExtension<EmbeddedHiveMq> HIVEMQ =
            new ExternalSystemExtension<>(folder -> EmbeddedHiveMq.start(FreePorts.pick(), folder));

    @Nested
    class FlinkSinkTestSuite extends StringSinkSuite {
        FlinkSinkTestSuite() {
            super(CheckpointingMode.AT_LEAST_ONCE, name -> new TopicContext("suite-" + CASES.incrementAndGet()));
        }
    }

    /** A fresh topic (and client id prefix) per test case, subscribed to from the start. */
    static final class TopicContext extends StringSinkContext {

        private final String name;
        private final MqttSinkITCase.Collector subscriber;

        TopicContext(String name) {
            super(name);
            this.name = name;
            try {
                subscriber = new MqttSinkITCase.Collector(HIVEMQ.get().port(), topic(), name + "-reader");
            } catch (Exception e) {
                throw new IllegalStateException("Could not subscribe to " + topic() + " on " + HIVEMQ.get().serverUri(), e);
            }
        }

        private String topic() {
            return "suite/" + name;
        }

        @Override
        public Sink<String> createSink(TestingSinkSettings settings) {
            String topic = topic();
            return MqttSink.<String>builder()
                    .setServerUri(HIVEMQ.get().serverUri())
                    .setClientIdPrefix(name)
                    .setQos(1)
                    .setOption(MqttOptions.CONNECT_TIMEOUT, Duration.ofSeconds(30))
                    .setOption(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(100))
                    .setOption(MqttOptions.RECONNECT_BACKOFF_MAX, Duration.ofSeconds(1))
                    .setSerializer(s -> MqttMessage.builder()
                            .setTopic(topic).setPayload(s.getBytes(StandardCharsets.UTF_8)).setQos(1).build())
                    .build();
        }

        /** The payloads delivered since the last poll, in arrival order (a publish sent again is read again). */
        @Override
        public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
            int[] read = {0};
            return reader(() -> {
                int arrived = subscriber.messages.size();
                List<String> fresh = new ArrayList<>(arrived - read[0]);
                for (int i = read[0]; i < arrived; i++) {
                    fresh.add(new String(subscriber.messages.get(i).getPayloadAsBytes(), StandardCharsets.UTF_8));
                }
                read[0] = arrived;
                return fresh;
            });
        }

        @Override
        public void close() {
            subscriber.close();
        }
    }
}
