package io.mqttbridge.mqtt;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttMessageTest {

    @Test
    void constructorCopiesTheUserPropertiesAndHandsOutAnUnmodifiableView() {
        Map<String, String> properties = new LinkedHashMap<>(Map.of("a", "1"));
        MqttMessage message = new MqttMessage("t", new byte[0], 1, false, null, null, properties, null, null, null, null, 0L);
        properties.put("b", "2");
        assertThat(message.userProperties()).containsExactly(Map.entry("a", "1"));
        assertThatThrownBy(() -> message.userProperties().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void adoptingKeepsTheMapButHandsOutAnUnmodifiableView() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("z", "1");
        properties.put("a", "2");
        MqttMessage message = MqttMessage.adopting("t", new byte[0], 1, false, null, null, properties, null, null, null, null, 0L);
        assertThat(message.userProperties()).containsExactly(Map.entry("z", "1"), Map.entry("a", "2"));
        assertThatThrownBy(() -> message.userProperties().remove("z")).isInstanceOf(UnsupportedOperationException.class);
    }
}
