package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes the records buffered at a checkpoint (version 1: key, topic, message id, payload). */
@Internal
public final class FunctionRecordStateSerializer extends AsyncSinkWriterStateSerializer<FunctionRecord> {

    @Override
    protected void serializeRequestToStream(FunctionRecord record, DataOutputStream out) throws IOException {
        writeNullable(record.key(), out);
        writeNullable(record.topic(), out);
        writeNullable(record.messageId(), out);
        out.writeInt(record.payload().length);
        out.write(record.payload());
    }

    @Override
    protected FunctionRecord deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        String key = readNullable(in);
        String topic = readNullable(in);
        String messageId = readNullable(in);
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new FunctionRecord(key, topic, messageId, payload);
    }

    @Override
    public int getVersion() {
        return 1;
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
