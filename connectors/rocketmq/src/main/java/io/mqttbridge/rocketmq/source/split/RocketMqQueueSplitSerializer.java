package io.mqttbridge.rocketmq.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** Versioned serializer of {@link RocketMqQueueSplit}. Version 1: topic (UTF), broker (UTF), queue id (int), next offset (long). */
@Internal
public final class RocketMqQueueSplitSerializer implements SimpleVersionedSerializer<RocketMqQueueSplit> {

    public static final RocketMqQueueSplitSerializer INSTANCE = new RocketMqQueueSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RocketMqQueueSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public RocketMqQueueSplit deserialize(int version, byte[] serialized) throws IOException {
        checkVersion(version);
        return read(new DataInputDeserializer(serialized));
    }

    /** Also used by the enumerator state, whose version follows this one. */
    public static void write(RocketMqQueueSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.topic());
        out.writeUTF(split.broker());
        out.writeInt(split.queueId());
        out.writeLong(split.nextOffset());
    }

    public static RocketMqQueueSplit read(DataInputView in) throws IOException {
        return new RocketMqQueueSplit(in.readUTF(), in.readUTF(), in.readInt(), in.readLong());
    }

    public static void checkVersion(int version) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of RocketMqQueueSplit (this build reads " + VERSION + ")");
        }
    }
}
