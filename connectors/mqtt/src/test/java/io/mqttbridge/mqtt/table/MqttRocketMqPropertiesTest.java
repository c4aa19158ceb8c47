package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.mqttbridge.mqtt.table.MqttKafkaHeadersTest.DEFAULT_PROPERTIES;
import static org.assertj.core.api.Assertions.assertThat;

class MqttRocketMqPropertiesTest {

    @Test
    void carriesTheHeadersAsTextUnderTheSameNamesWithCorrelationDataInBase64() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("vehicle-type", "truck");
        props.put("message-id", "m-1");
        props.put("username", "fleet");
        MqttMessage message =
                MqttMessage.builder()
                        .setTopic("vehicles/v-7/battery")
                        .setPayload("{}".getBytes(StandardCharsets.UTF_8))
                        .setQos(1)
                        .setRetained(false)
                        .setDup(true)
                        .setPacketId(9)
                        .setUserProperties(props)
                        .setCorrelationData(new byte[] {0, (byte) 0xff, 7})
                        .setReceivedAtMillis(1_800_000_000_000L)
                        .build();

        Map<String, String> properties = MqttRocketMqProperties.of(message, DEFAULT_PROPERTIES);

        Map<String, String> headersAsText = MqttKafkaHeadersTest.text(MqttKafkaHeaders.of(message, DEFAULT_PROPERTIES));
        headersAsText.put("mqtt.correlation-data", "AP8H");
        assertThat(properties).containsExactlyEntriesOf(headersAsText);
        assertThat(properties)
                .containsEntry("mqtt.dup", "true")
                .containsEntry("mqtt.packet-id", "9")
                .containsEntry("mqtt.timestamp", "1800000000000")
                .containsEntry("mqtt.username", "fleet")
                .doesNotContainKeys("mqtt.client-id", "mqtt.client-host");
    }

    @Test
    void leavesOutUserPropertiesThatRocketMqWouldRefuseOrThatFakeAFixedField() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("KEYS", "k");
        props.put("DELAY", "3");
        props.put("__CRC32#", "1");
        props.put("mqtt.topic", "fake/topic");
        props.put("empty", "");
        props.put(" ", "blank name");
        props.put("a\u0001b", "separator in the name");
        props.put("sep", "x\u0002y");
        props.put("keys", "lower case is not reserved");
        MqttMessage message =
                MqttMessage.builder()
                        .setTopic("real/topic")
                        .setPayload(new byte[0])
                        .setQos(0)
                        .setUserProperties(props)
                        .setContentType("")
                        .setReceivedAtMillis(5L)
                        .build();

        assertThat(MqttRocketMqProperties.of(message, DEFAULT_PROPERTIES))
                .containsExactly(
                        Map.entry("keys", "lower case is not reserved"),
                        Map.entry("mqtt.topic", "real/topic"),
                        Map.entry("mqtt.qos", "0"),
                        Map.entry("mqtt.retained", "false"),
                        Map.entry("mqtt.timestamp", "5"));
    }
}
