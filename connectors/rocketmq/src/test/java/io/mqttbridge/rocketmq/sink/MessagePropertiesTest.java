package io.mqttbridge.rocketmq.sink;

import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagePropertiesTest {

    @Test
    void userPropertiesAreAddedAndEmptyValuesLeftOut() {
        Message message = new Message("t", new byte[0]);
        Map<String, String> properties = new HashMap<>();
        properties.put("mqtt-topic", "stations/7/will");
        properties.put("mqtt-qos", "1");
        properties.put("empty", "");
        properties.put("null", null);
        MessageProperties.put(message, properties);
        assertThat(message.getUserProperty("mqtt-topic")).isEqualTo("stations/7/will");
        assertThat(message.getUserProperty("mqtt-qos")).isEqualTo("1");
        assertThat(message.getProperties()).doesNotContainKeys("empty", "null");
    }

    @Test
    void reservedNamesAreRefusedNamingTheProperty() {
        assertThat(MessageProperties.reservedNames()).contains("KEYS", "TAGS", "DELAY", "UNIQ_KEY", "WAIT", "TRAN_MSG");
        for (String reserved : new String[] {"KEYS", "TAGS", "DELAY", "UNIQ_KEY"}) {
            assertThatThrownBy(() -> MessageProperties.put(new Message("t", new byte[0]), Map.of(reserved, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("RocketMQ user property '" + reserved + "' is refused: RocketMQ reserves that name");
        }
        assertThatThrownBy(() -> MessageProperties.put(new Message("t", new byte[0]), Map.of("a", "x\u0001y")))
                .hasMessageContaining("'a' contains the control character");
        assertThatThrownBy(() -> MessageProperties.put(new Message("t", new byte[0]), Map.of(" ", "x")))
                .hasMessageContaining("must not be empty");
    }
}
