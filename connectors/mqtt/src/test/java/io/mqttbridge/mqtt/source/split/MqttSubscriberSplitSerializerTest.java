package io.mqttbridge.mqtt.source.split;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttSubscriberSplitSerializerTest {

    /**
     * Split 7 of client id prefix "bridge-ü" as version 1 wrote it (before the client seam was
     * added): index as int, then the client id as modified UTF-8 with a 2-byte length. Savepoints
     * hold these bytes: if this test fails, old savepoints no longer restore.
     */
    private static final byte[] VERSION_1_SPLIT_7 = {
        0x00, 0x00, 0x00, 0x07, // index 7
        0x00, 0x0b, // 11 bytes of client id follow
        'b', 'r', 'i', 'd', 'g', 'e', '-', (byte) 0xc3, (byte) 0xbc, '-', '7' // "bridge-ü-7"
    };

    /** The same split as version 2 writes it, after a connection, with 300 messages unacknowledged. */
    private static final byte[] VERSION_2_SPLIT_7 = {
        0x00, 0x00, 0x00, 0x07, // index 7
        0x00, 0x0b, // 11 bytes of client id follow
        'b', 'r', 'i', 'd', 'g', 'e', '-', (byte) 0xc3, (byte) 0xbc, '-', '7', // "bridge-ü-7"
        0x01, // had a session
        0x00, 0x00, 0x01, 0x2c // 300 unacknowledged
    };

    private final MqttSubscriberSplitSerializer serializer = MqttSubscriberSplitSerializer.INSTANCE;

    @Test
    void splitSurvivesRoundTrip() throws Exception {
        MqttSubscriberSplit split = MqttSubscriberSplit.of("bridge-ü/ä", 7).withSession(true, 42);

        MqttSubscriberSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(copy).isEqualTo(split);
        assertThat(copy.index()).isEqualTo(7);
        assertThat(copy.clientId()).isEqualTo("bridge-ü/ä-7");
        assertThat(copy.splitId()).isEqualTo("7");
        assertThat(copy.hadSession()).isTrue();
        assertThat(copy.unacknowledged()).isEqualTo(42);
    }

    @Test
    void readsTheVersion1BytesOfOldSavepoints() throws Exception {
        MqttSubscriberSplit split = serializer.deserialize(1, VERSION_1_SPLIT_7);

        // A split in a version-1 reader state had connected; how many messages were unacknowledged is unknown.
        assertThat(split).isEqualTo(new MqttSubscriberSplit(7, "bridge-ü-7", true, 0));
    }

    @Test
    void version2IsStillWhatItWrites() throws Exception {
        // A new layout must come with a new version number (and a reader for the versions before it).
        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(serializer.serialize(new MqttSubscriberSplit(7, "bridge-ü-7", true, 300))).isEqualTo(VERSION_2_SPLIT_7);
        assertThat(serializer.deserialize(2, VERSION_2_SPLIT_7)).isEqualTo(new MqttSubscriberSplit(7, "bridge-ü-7", true, 300));
    }

    @Test
    void unknownSplitVersionIsRejected() throws Exception {
        byte[] bytes = serializer.serialize(MqttSubscriberSplit.of("p", 0));
        assertThatThrownBy(() -> serializer.deserialize(99, bytes))
                .hasMessage("Unknown version 99 of MqttSubscriberSplit (this build reads 1 and 2)");
    }
}
