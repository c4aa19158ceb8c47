package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the records buffered at a checkpoint. Version 2: key, topic, message id, payload, origin
 * time. Version 1 (no origin time) is still read, as from savepoints taken before; its records
 * have an unknown origin.
 */
@Internal
public final class FunctionRecordStateSerializer extends AsyncSinkWriterStateSerializer<FunctionRecord> {

    @Override
    protected void serializeRequestToStream(FunctionRecord record, DataOutputStream out) throws IOException {
        writeFields(record, out);
        out.writeLong(record.originMillis());
    }

    @Override
    protected FunctionRecord deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        FunctionRecord fields = readFields(in);
        return new FunctionRecord(fields.key(), fields.topic(), fields.messageId(), fields.payload(), in.readLong());
    }

    /** The base class does not hand the version to the per-record methods: version 1 has a reader of its own. */
    @Override
    public BufferedRequestState<FunctionRecord> deserialize(int version, byte[] serialized) throws IOException {
        return version == 1 ? new Version1().deserialize(version, serialized) : super.deserialize(version, serialized);
    }

    @Override
    public int getVersion() {
        return 2;
    }

    /** The fields of version 1, which version 2 writes first. */
    private static void writeFields(FunctionRecord record, DataOutputStream out) throws IOException {
        writeNullable(record.key(), out);
        writeNullable(record.topic(), out);
        writeNullable(record.messageId(), out);
        out.writeInt(record.payload().length);
        out.write(record.payload());
    }

    private static FunctionRecord readFields(DataInputStream in) throws IOException {
        String key = readNullable(in);
        String topic = readNullable(in);
        String messageId = readNullable(in);
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new FunctionRecord(key, topic, messageId, payload);
    }

    /**
     * Version 1, complete: it reads the state of older savepoints, and writes that layout too, so a test
     * can pin it (records written with it lose their origin time).
     */
    static final class Version1 extends AsyncSinkWriterStateSerializer<FunctionRecord> {

        @Override
        protected void serializeRequestToStream(FunctionRecord record, DataOutputStream out) throws IOException {
            writeFields(record, out);
        }

        @Override
        protected FunctionRecord deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
            return readFields(in);
        }

        @Override
        public int getVersion() {
            return 1;
        }
    }

    private static void writeNullable(String s, DataOutputStream out) throws IOException {
        // Length-prefixed UTF-8, not writeUTF: an MQTT topic may exceed writeUTF's 64 KiB.
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readNullable(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
