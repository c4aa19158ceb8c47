package io.mqttbridge.mqtt.source.split;

import io.mqttbridge.mqtt.source.enumerator.MqttSourceEnumState;
import io.mqttbridge.mqtt.source.enumerator.MqttSourceEnumStateSerializer;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttSubscriberSplitSerializerTest {

    @Test
    void splitSurvivesRoundTrip() throws Exception {
        MqttSubscriberSplit split = MqttSubscriberSplit.of("bridge-ü/ä", 7);
        MqttSubscriberSplitSerializer serializer = MqttSubscriberSplitSerializer.INSTANCE;

        MqttSubscriberSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(copy).isEqualTo(split);
        assertThat(copy.index()).isEqualTo(7);
        assertThat(copy.clientId()).isEqualTo("bridge-ü/ä-7");
        assertThat(copy.splitId()).isEqualTo("7");
    }

    @Test
    void unknownSplitVersionIsRejected() throws Exception {
        byte[] bytes = MqttSubscriberSplitSerializer.INSTANCE.serialize(MqttSubscriberSplit.of("p", 0));
        assertThatThrownBy(() -> MqttSubscriberSplitSerializer.INSTANCE.deserialize(99, bytes))
                .hasMessageContaining("Unknown version 99");
    }

    @Test
    void enumeratorStateSurvivesRoundTrip() throws Exception {
        MqttSourceEnumState state = new MqttSourceEnumState(8, Set.of(1, 5, 7));
        MqttSourceEnumStateSerializer serializer = MqttSourceEnumStateSerializer.INSTANCE;

        MqttSourceEnumState copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(copy).isEqualTo(state);
        assertThat(copy.totalSplits()).isEqualTo(8);
        assertThat(copy.unassigned()).containsExactly(1, 5, 7);
    }
}
