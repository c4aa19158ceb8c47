package io.mqttbridge.tests.fields;

import io.mqttbridge.mqtt.table.MqttRocketMqProperties;
import io.mqttbridge.rocketmq.sink.MessageProperties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code mqtt} table's {@code properties} column leaves out the names the {@code rocketmq} sink
 * refuses (RocketMQ's reserved property names); the MQTT connector does not depend on RocketMQ's
 * client, so it keeps its own copy of the list, and this is where the two meet.
 */
class RocketMqReservedNamesTest {

    @Test
    void theMqttTableLeavesOutExactlyTheNamesTheRocketMqSinkRefuses() {
        assertThat(MqttRocketMqProperties.ROCKETMQ_RESERVED).containsExactlyInAnyOrderElementsOf(MessageProperties.reservedNames());
    }
}
