package io.mqttbridge.mqtt.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/** Versioned serializer of {@link MqttSubscriberSplit}. Version 1: index (int), client id (UTF). */
@Internal
public final class MqttSubscriberSplitSerializer implements SimpleVersionedSerializer<MqttSubscriberSplit> {

    public static final MqttSubscriberSplitSerializer INSTANCE = new MqttSubscriberSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttSubscriberSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(32);
        out.writeInt(split.index());
        out.writeUTF(split.clientId());
        return out.getCopyOfBuffer();
    }

    @Override
    public MqttSubscriberSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of MqttSubscriberSplit (this build reads " + VERSION + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        return new MqttSubscriberSplit(in.readInt(), in.readUTF());
    }
}
