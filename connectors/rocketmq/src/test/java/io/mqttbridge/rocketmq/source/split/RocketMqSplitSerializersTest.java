package io.mqttbridge.rocketmq.source.split;

import io.mqttbridge.rocketmq.source.enumerator.RocketMqEnumState;
import io.mqttbridge.rocketmq.source.enumerator.RocketMqEnumStateSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocketMqSplitSerializersTest {

    @Test
    void splitRoundTripsWithItsOffset() throws IOException {
        RocketMqQueueSplit split = new RocketMqQueueSplit("devices", "broker-a", 3, 1L << 40);
        RocketMqQueueSplitSerializer serializer = RocketMqQueueSplitSerializer.INSTANCE;

        RocketMqQueueSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(copy).isEqualTo(split);
        assertThat(copy.splitId()).isEqualTo("devices@broker-a#3");
    }

    @Test
    void enumeratorStateRoundTrips() throws IOException {
        RocketMqEnumState state = new RocketMqEnumState(
                true, List.of("t@b#0", "t@b#1"), List.of(new RocketMqQueueSplit("t", "b", 1, 42)));
        RocketMqEnumStateSerializer serializer = RocketMqEnumStateSerializer.INSTANCE;

        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state))).isEqualTo(state);
    }

    @Test
    void unknownVersionsAreRefused() {
        assertThatThrownBy(() -> RocketMqQueueSplitSerializer.INSTANCE.deserialize(9, new byte[0]))
                .hasMessageContaining("Unknown version 9 of RocketMqQueueSplit");
        assertThatThrownBy(() -> RocketMqEnumStateSerializer.INSTANCE.deserialize(9, new byte[0]))
                .hasMessageContaining("Unknown version 9 of RocketMqEnumState");
    }
}
