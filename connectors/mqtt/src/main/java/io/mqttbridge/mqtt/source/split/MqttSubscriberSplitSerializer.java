package io.mqttbridge.mqtt.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/**
 * Versioned serializer of {@link MqttSubscriberSplit}. Version 2: index (int), client id (UTF), had a
 * session (boolean), unacknowledged messages (int). Version 1 (read only): index, client id. A split
 * in a version-1 reader state was assigned to a running reader, so it restores as one that had a
 * session (a lost one is reported) with an unknown, hence 0, count of unacknowledged messages (not
 * enough to fail the job under 'session-lost' = 'fail').
 */
@Internal
public final class MqttSubscriberSplitSerializer implements SimpleVersionedSerializer<MqttSubscriberSplit> {

    public static final MqttSubscriberSplitSerializer INSTANCE = new MqttSubscriberSplitSerializer();

    private static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttSubscriberSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(40);
        out.writeInt(split.index());
        out.writeUTF(split.clientId());
        out.writeBoolean(split.hadSession());
        out.writeInt(split.unacknowledged());
        return out.getCopyOfBuffer();
    }

    @Override
    public MqttSubscriberSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 && version != VERSION) {
            throw new IOException("Unknown version " + version + " of MqttSubscriberSplit (this build reads 1 and " + VERSION + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int index = in.readInt();
        String clientId = in.readUTF();
        return version == 1
                ? new MqttSubscriberSplit(index, clientId, true, 0)
                : new MqttSubscriberSplit(index, clientId, in.readBoolean(), in.readInt());
    }
}
