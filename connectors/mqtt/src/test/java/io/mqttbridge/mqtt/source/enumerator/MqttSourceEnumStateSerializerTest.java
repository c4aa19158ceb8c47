package io.mqttbridge.mqtt.source.enumerator;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttSourceEnumStateSerializerTest {

    /**
     * Enumerator state "8 splits, 1, 5 and 7 unassigned" as version 1 wrote it (before the client
     * seam was added). Savepoints hold these bytes: if this test fails, old savepoints no longer restore.
     */
    private static final byte[] VERSION_1_STATE = {
        0x00, 0x00, 0x00, 0x08, // total splits
        0x00, 0x00, 0x00, 0x03, // unassigned count
        0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x05,
        0x00, 0x00, 0x00, 0x07
    };

    /** The state of an enumerator that has not started yet: no splits, none unassigned. */
    private static final byte[] VERSION_1_EMPTY_STATE = {0, 0, 0, 0, 0, 0, 0, 0};

    private final MqttSourceEnumStateSerializer serializer = MqttSourceEnumStateSerializer.INSTANCE;

    @Test
    void enumeratorStateSurvivesRoundTrip() throws Exception {
        MqttSourceEnumState state = new MqttSourceEnumState(8, Set.of(1, 5, 7));

        MqttSourceEnumState copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(copy).isEqualTo(state);
        assertThat(copy.totalSplits()).isEqualTo(8);
        assertThat(copy.unassigned()).containsExactly(1, 5, 7);
    }

    @Test
    void readsTheVersion1BytesOfOldSavepoints() throws Exception {
        assertThat(serializer.deserialize(1, VERSION_1_STATE)).isEqualTo(new MqttSourceEnumState(8, Set.of(1, 5, 7)));
        assertThat(serializer.deserialize(1, VERSION_1_EMPTY_STATE)).isEqualTo(new MqttSourceEnumState(0, Set.of()));
    }

    @Test
    void version1IsStillWhatItWrites() throws Exception {
        // A new layout must come with a new version number (and a reader for version 1).
        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(serializer.serialize(new MqttSourceEnumState(8, Set.of(7, 1, 5)))).isEqualTo(VERSION_1_STATE);
        assertThat(serializer.serialize(new MqttSourceEnumState(0, Set.of()))).isEqualTo(VERSION_1_EMPTY_STATE);
    }

    @Test
    void unknownVersionIsRejected() {
        assertThatThrownBy(() -> serializer.deserialize(2, VERSION_1_STATE))
                .hasMessage("Unknown version 2 of the MQTT enumerator state (this build reads 1)");
    }
}
