package io.mqttbridge.mqtt.source.enumerator;

import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.junit.jupiter.api.Test;

import java.util.List;
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

    /**
     * Enumerator state "8 splits; unassigned: split 1 as created (client id 'b-1'), split 5 back from
     * a reader that had its session with 300 messages unacknowledged" as version 2 writes it.
     * Savepoints hold these bytes: if this test fails, savepoints of this version no longer restore.
     */
    private static final byte[] VERSION_2_STATE = {
        0x00, 0x00, 0x00, 0x08, // total splits
        0x00, 0x00, 0x00, 0x02, // the splits follow in version 2 of the split serializer
        0x00, 0x00, 0x00, 0x02, // unassigned count
        0x00, 0x00, 0x00, 0x0e, // 14 bytes of split follow
        0x00, 0x00, 0x00, 0x01, 0x00, 0x03, 'b', '-', '1', 0x00, 0x00, 0x00, 0x00, 0x00, // 1, "b-1", no session, 0
        0x00, 0x00, 0x00, 0x0e,
        0x00, 0x00, 0x00, 0x05, 0x00, 0x03, 'b', '-', '5', 0x01, 0x00, 0x00, 0x01, 0x2c // 5, "b-5", a session, 300
    };

    private static final MqttSourceEnumState STATE_2 = new MqttSourceEnumState(
            8, List.of(new MqttSubscriberSplit(5, "b-5", true, 300), new MqttSubscriberSplit(1, "b-1")));

    private final MqttSourceEnumStateSerializer serializer = MqttSourceEnumStateSerializer.INSTANCE;

    @Test
    void enumeratorStateSurvivesRoundTripWithTheSplitsAsTheyAre() throws Exception {
        MqttSourceEnumState state = new MqttSourceEnumState(
                8, List.of(new MqttSubscriberSplit(7, "old-ü-7", true, 12), MqttSubscriberSplit.of("new", 1)));

        MqttSourceEnumState copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(copy).isEqualTo(state);
        assertThat(copy.totalSplits()).isEqualTo(8);
        assertThat(copy.unassignedIndices()).containsExactly(1, 7);
        // The stored client ids win over the prefix configured now.
        assertThat(copy.unassignedSplits("other"))
                .containsExactly(new MqttSubscriberSplit(1, "new-1"), new MqttSubscriberSplit(7, "old-ü-7", true, 12));
    }

    @Test
    void readsTheVersion1BytesOfOldSavepoints() throws Exception {
        MqttSourceEnumState state = serializer.deserialize(1, VERSION_1_STATE);

        assertThat(state).isEqualTo(MqttSourceEnumState.ofVersion1(8, Set.of(1, 5, 7)));
        assertThat(state.unassignedIndices()).containsExactly(1, 5, 7);
        // Version 1 stored no client ids: the splits are rebuilt from the prefix configured now, as before.
        assertThat(state.unassignedSplits("bridge")).containsExactly(
                MqttSubscriberSplit.of("bridge", 1), MqttSubscriberSplit.of("bridge", 5), MqttSubscriberSplit.of("bridge", 7));
        assertThat(serializer.deserialize(1, VERSION_1_EMPTY_STATE)).isEqualTo(new MqttSourceEnumState(0, List.of()));
    }

    @Test
    void version2IsStillWhatItWrites() throws Exception {
        // A new layout must come with a new version number (and a reader for the versions before it).
        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(serializer.serialize(STATE_2)).isEqualTo(VERSION_2_STATE);
        assertThat(serializer.deserialize(2, VERSION_2_STATE)).isEqualTo(STATE_2);
    }

    @Test
    void aVersion1StateWithUnassignedSplitsIsNotWrittenWithoutClientIds() {
        assertThatThrownBy(() -> serializer.serialize(MqttSourceEnumState.ofVersion1(8, Set.of(1))))
                .hasMessageStartingWith("A version-1 enumerator state with unassigned splits [1] has no client ids to write");
    }

    @Test
    void unknownVersionIsRejected() {
        assertThatThrownBy(() -> serializer.deserialize(3, VERSION_2_STATE))
                .hasMessage("Unknown version 3 of the MQTT enumerator state (this build reads 1 and 2)");
    }
}
