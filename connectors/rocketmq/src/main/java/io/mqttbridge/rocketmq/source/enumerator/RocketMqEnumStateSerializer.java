package io.mqttbridge.rocketmq.source.enumerator;

import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned serializer of {@link RocketMqEnumState}. Version 1: initial discovery done (boolean),
 * discovered split ids (int count, UTF each), unassigned splits (int count, each as version 1 of
 * {@link RocketMqQueueSplitSerializer}).
 */
@Internal
public final class RocketMqEnumStateSerializer implements SimpleVersionedSerializer<RocketMqEnumState> {

    public static final RocketMqEnumStateSerializer INSTANCE = new RocketMqEnumStateSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RocketMqEnumState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeBoolean(state.initialDiscoveryDone());
        out.writeInt(state.discoveredSplitIds().size());
        for (String id : state.discoveredSplitIds()) {
            out.writeUTF(id);
        }
        out.writeInt(state.unassigned().size());
        for (RocketMqQueueSplit split : state.unassigned()) {
            RocketMqQueueSplitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public RocketMqEnumState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of RocketMqEnumState (this build reads " + VERSION + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        boolean initialDiscoveryDone = in.readBoolean();
        int ids = in.readInt();
        List<String> discovered = new ArrayList<>(ids);
        for (int i = 0; i < ids; i++) {
            discovered.add(in.readUTF());
        }
        int splits = in.readInt();
        List<RocketMqQueueSplit> unassigned = new ArrayList<>(splits);
        for (int i = 0; i < splits; i++) {
            unassigned.add(RocketMqQueueSplitSerializer.read(in));
        }
        return new RocketMqEnumState(initialDiscoveryDone, discovered, unassigned);
    }
}
