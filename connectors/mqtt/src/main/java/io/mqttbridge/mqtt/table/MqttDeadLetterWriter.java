package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonEncoding;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;

import javax.annotation.Nullable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes undecodable MQTT messages under {@code dead-letter.path}: one file per message holding one
 * JSON line,
 *
 * <pre>{@code
 * {"time":"2026-11-28T13:01:02.123Z","table":"readings","topic":"sensors/s-1/temp","packet-id":12,
 *  "message-id":"m-1","qos":1,"received":"2026-11-28T13:01:02.120Z","error":"...","payload":"<base64>"}
 * }</pre>
 *
 * <p>A file per message because object stores (s3://) cannot append, and because the file is complete
 * and closed when {@link #write} returns: the source files the message's acknowledgement only after
 * that, and sends it only when a later checkpoint completes, so an acknowledged message always has
 * its dead letter. A failure between the write and that checkpoint brings the message again, which
 * may then be dead-lettered twice (at least once, like the rest of the route). Names:
 * {@code <table>-<millis>-<seq>-<uuid>.jsonl}, unique across subtasks and restarts.
 */
@Internal
final class MqttDeadLetterWriter implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final JsonFactory JSON = new JsonFactory();

    private final String directory;
    private final String table;

    private transient String prefix;
    private transient long sequence;

    MqttDeadLetterWriter(String directory, String table) {
        this.directory = directory;
        this.table = table;
    }

    /** Writes the message and its error durably; returns the file written. */
    Path write(MqttMessage message, @Nullable String messageId, String error) throws IOException {
        if (prefix == null) {
            prefix = table.replaceAll("[^A-Za-z0-9._-]", "_") + "-";
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(256 + message.payload().length * 4 / 3);
        try (JsonGenerator json = JSON.createGenerator(line, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.now().toString());
            json.writeStringField("table", table);
            json.writeStringField("topic", message.topic());
            if (message.packetId() == null) {
                json.writeNullField("packet-id");
            } else {
                json.writeNumberField("packet-id", message.packetId());
            }
            json.writeStringField("message-id", messageId);
            json.writeNumberField("qos", message.qos());
            json.writeStringField("received", Instant.ofEpochMilli(message.receivedAtMillis()).toString());
            json.writeStringField("error", error);
            json.writeFieldName("payload");
            json.writeBinary(message.payload()); // base64, as JSON has no bytes
            json.writeEndObject();
        }
        line.write('\n');

        Path file = new Path(directory, prefix + System.currentTimeMillis() + "-" + (++sequence) + "-" + UUID.randomUUID() + ".jsonl");
        FileSystem fs = file.getFileSystem();
        try (FSDataOutputStream out = fs.create(file, FileSystem.WriteMode.NO_OVERWRITE)) {
            line.writeTo(out);
            out.sync();
        }
        return file;
    }
}
