package io.mqttbridge.mqtt.source.enumerator;

import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Version 2: total splits (int), the version of {@link MqttSubscriberSplitSerializer} (int), count of
 * unassigned splits (int), then each unassigned split as its length (int) and its bytes. The splits
 * themselves, not their indices: their client ids may be from another prefix than the configured
 * one (a savepoint of an older default), and their session state says whether a lost session must
 * be reported.
 *
 * <p>Version 1 (read only): total splits (int), count of unassigned (int), each unassigned index
 * (int). Such a state restores as it did: the enumerator rebuilds those splits from the client id
 * prefix configured now (see {@link MqttSourceEnumState#unassignedSplits(String)}).
 */
@Internal
public final class MqttSourceEnumStateSerializer implements SimpleVersionedSerializer<MqttSourceEnumState> {

    public static final MqttSourceEnumStateSerializer INSTANCE = new MqttSourceEnumStateSerializer();

    private static final int VERSION = 2;

    private final MqttSubscriberSplitSerializer splits = MqttSubscriberSplitSerializer.INSTANCE;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttSourceEnumState state) throws IOException {
        if (state.isVersion1()) {
            // The enumerator never snapshots what it restored; it snapshots its own splits.
            throw new IOException("A version-1 enumerator state with unassigned splits " + state.unassignedIndices()
                    + " has no client ids to write; restore it into an enumerator first");
        }
        List<MqttSubscriberSplit> unassigned = state.unassignedSplits();
        DataOutputSerializer out = new DataOutputSerializer(12 + 40 * unassigned.size());
        out.writeInt(state.totalSplits());
        out.writeInt(splits.getVersion());
        out.writeInt(unassigned.size());
        for (MqttSubscriberSplit split : unassigned) {
            byte[] bytes = splits.serialize(split);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public MqttSourceEnumState deserialize(int version, byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        if (version == 1) {
            int total = in.readInt();
            int n = in.readInt();
            Set<Integer> unassigned = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                unassigned.add(in.readInt());
            }
            return MqttSourceEnumState.ofVersion1(total, unassigned);
        }
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of the MQTT enumerator state (this build reads 1 and " + VERSION + ")");
        }
        int total = in.readInt();
        int splitVersion = in.readInt();
        int n = in.readInt();
        List<MqttSubscriberSplit> unassigned = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            unassigned.add(splits.deserialize(splitVersion, bytes));
        }
        return new MqttSourceEnumState(total, unassigned);
    }
}
