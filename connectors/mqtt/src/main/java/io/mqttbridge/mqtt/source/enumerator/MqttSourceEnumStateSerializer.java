package io.mqttbridge.mqtt.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/** Version 1: total splits (int), count of unassigned (int), each unassigned index (int). */
@Internal
public final class MqttSourceEnumStateSerializer implements SimpleVersionedSerializer<MqttSourceEnumState> {

    public static final MqttSourceEnumStateSerializer INSTANCE = new MqttSourceEnumStateSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttSourceEnumState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16 + 4 * state.unassigned().size());
        out.writeInt(state.totalSplits());
        out.writeInt(state.unassigned().size());
        for (int index : state.unassigned()) {
            out.writeInt(index);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public MqttSourceEnumState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of the MQTT enumerator state (this build reads " + VERSION + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int total = in.readInt();
        int n = in.readInt();
        Set<Integer> unassigned = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            unassigned.add(in.readInt());
        }
        return new MqttSourceEnumState(total, unassigned);
    }
}
