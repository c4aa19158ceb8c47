package io.mqttbridge.mqtt.filter;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.reader.MqttReceivedMessage;
import io.mqttbridge.mqtt.source.reader.MqttRecordEmitter;
import io.mqttbridge.mqtt.source.reader.PendingAcks;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A message the filter drops is never decoded, yet handled: its ack is filed and it is counted. */
class FilteringDeserializerTest {

    private static final MqttSubscriberSplit SPLIT = MqttSubscriberSplit.of("p", 0);

    private final SimpleCounter filtered = new SimpleCounter();
    private final PendingAcks<MqttReceivedMessage.Ack> acks = new PendingAcks<>();

    @Test
    void aFilteredMessageIsNotDecodedButIsAcknowledgedAndCounted() throws Exception {
        MqttMessageDeserializer<String> deserializer =
                FilteringDeserializer.wrap(MessageFilterParser.parse("$QoS = 1 AND k1 = 'v1'"), new FailsOnUndecodable());
        deserializer.open(context());
        MqttRecordEmitter<String> emitter = new MqttRecordEmitter<>(deserializer, acks, new SimpleCounter());
        TestingReaderOutput<String> output = new TestingReaderOutput<>();

        emitter.emitRecord(received("undecodable", 0, Map.of("k1", "v1")), output, SPLIT);
        emitter.emitRecord(received("undecodable", 1, Map.of("k1", "other")), output, SPLIT);
        emitter.emitRecord(received("undecodable", 1, Map.of()), output, SPLIT);
        emitter.emitRecord(received("kept", 1, Map.of("k1", "v1")), output, SPLIT);

        assertThat(output.getEmittedRecords()).containsExactly("kept");
        assertThat(filtered.getCount()).isEqualTo(3);
        assertThat(acks.size()).as("every message is handled: its ack goes out with the next checkpoint").isEqualTo(4);
    }

    @Test
    void withoutAFilterTheDeserializerIsUsedAsItIs() {
        FailsOnUndecodable decoder = new FailsOnUndecodable();
        assertThat(FilteringDeserializer.wrap(null, decoder)).isSameAs(decoder);
    }

    private DeserializationSchema.InitializationContext context() {
        MetricGroup group = new UnregisteredMetricsGroup() {
            @Override
            public Counter counter(String name) {
                assertThat(name).isEqualTo(FilteringDeserializer.MESSAGES_FILTERED);
                return filtered;
            }
        };
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return group;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(FilteringDeserializerTest.class.getClassLoader());
            }
        };
    }

    private static MqttReceivedMessage received(String payload, int qos, Map<String, String> properties) {
        MqttMessage message = MqttMessage.builder()
                .setTopic("t")
                .setPayload(payload.getBytes(StandardCharsets.UTF_8))
                .setQos(qos)
                .setUserProperties(properties)
                .build();
        return new MqttReceivedMessage(SPLIT.splitId(), message, () -> true);
    }

    /** Decoding "undecodable" fails: a filtered message that reached the decoder would fail the test. */
    private static final class FailsOnUndecodable implements MqttMessageDeserializer<String> {
        @Override
        public void deserialize(MqttMessage message, Collector<String> out) throws IOException {
            String text = new String(message.payload(), StandardCharsets.UTF_8);
            if (text.equals("undecodable")) {
                throw new IOException("decoded a message the filter should have dropped");
            }
            out.collect(text);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
