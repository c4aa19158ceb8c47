package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.MqttMessage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link MqttSinkBuilder#build()} accepts and refuses, by name. */
class MqttSinkBuilderTest {

    private static MqttSinkBuilder<String> complete() {
        return MqttSink.<String>builder()
                .setServerUri("tcp://127.0.0.1:1883")
                .setClientIdPrefix("b")
                .setOption(MqttSinkOptions.TOPIC, "t/1")
                .setSerializer(s -> MqttMessage.builder().setTopic("t/1").setPayload(s.getBytes(StandardCharsets.UTF_8)).setQos(1).build());
    }

    @Test
    void buildsWithServerPrefixAndSerializer() {
        assertThat(complete().build()).isNotNull();
    }

    @Test
    void refusesTheTableOnlyLatencyTimeColumnNamingTheOptionAndWhatToUseInstead() {
        assertThatThrownBy(() -> complete().setOption(MqttSinkOptions.LATENCY_TIME_COLUMN, "received").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value 'received' for option 'latency-time-column'")
                .hasMessageContaining("MqttMessageSerializer.originTimeMillis");
    }

    @Test
    void refusesAMissingSerializer() {
        assertThatThrownBy(() -> MqttSink.<String>builder().setServerUri("tcp://127.0.0.1:1883").setClientIdPrefix("b").build())
                .hasMessageContaining("No serializer");
    }
}
