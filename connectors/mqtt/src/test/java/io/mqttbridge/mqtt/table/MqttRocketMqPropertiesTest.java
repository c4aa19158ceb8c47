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
        MqttMessage message = MqttKafkaHeadersTest.everyField();

        Map<String, String> properties = MqttRocketMqProperties.of(message, DEFAULT_PROPERTIES);

        Map<String, String> headersAsText = MqttKafkaHeadersTest.text(MqttKafkaHeaders.of(message, DEFAULT_PROPERTIES));
        headersAsText.put("mqtt.correlation-data", "AP8H");
        assertThat(properties).containsExactlyEntriesOf(headersAsText);
        assertThat(properties)
                .containsEntry("mqtt.dup", "false")
                .containsEntry("mqtt.packet-id", "4711")
                .containsEntry("mqtt.timestamp", "1700000000123")
                .containsEntry("mqtt.username", "fleet")
                .containsEntry("vehicle-type", "truck");
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
