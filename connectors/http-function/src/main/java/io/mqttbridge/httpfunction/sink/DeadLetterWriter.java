package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes failed batches under {@code dead-letter.path}, one file per batch holding one JSON line:
 *
 * <pre>{@code
 * {"time":"2026-11-28T13:01:02Z","function":"low_battery_fn","url":"http://host/fn","attempts":4,
 *  "status":503,"error":"POST http://host/fn answered HTTP 503","encoding":"json","count":2,
 *  "records":[{"key":"v-1","payload":{...}}, ...]}
 * }</pre>
 *
 * <p>A file per batch, not appends to one file: object stores (s3://) cannot append, and a file is
 * complete once {@link #write} returns, before the batch counts as handled and a checkpoint can
 * complete. Names: {@code <function>-<subtask>-<time>-<uuid>.jsonl}.
 */
@Internal
public final class DeadLetterWriter {

    private final FunctionSinkConfig config;
    private final Path directory;
    private final String prefix;
    private final AtomicLong sequence = new AtomicLong();

    public DeadLetterWriter(FunctionSinkConfig config, int subtask) {
        this.config = config;
        this.directory = new Path(config.deadLetterPath());
        this.prefix = config.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + subtask + "-";
    }

    /** Writes the batch; returns the file written. */
    public Path write(List<FunctionRecord> records, int attempts, InvocationResult failure) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        FunctionEnvelope.write(line, "{\"time\":\"" + Instant.now() + "\",\"function\":");
        FunctionEnvelope.writeString(line, config.name());
        FunctionEnvelope.write(line, ",\"url\":");
        FunctionEnvelope.writeString(line, config.safeUrl());
        FunctionEnvelope.write(line, ",\"attempts\":" + attempts + ",\"status\":" + failure.status() + ",\"error\":");
        FunctionEnvelope.writeString(line, String.valueOf(failure.error()));
        FunctionEnvelope.write(line, ",\"encoding\":\"" + config.payloadEncoding() + "\",\"count\":" + records.size() + ",\"records\":[");
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                line.write(',');
            }
            FunctionEnvelope.writeRecord(line, config.payloadEncoding(), records.get(i));
        }
        FunctionEnvelope.write(line, "]}\n");

        Path file = new Path(directory, prefix + System.currentTimeMillis() + "-" + sequence.incrementAndGet() + "-" + UUID.randomUUID() + ".jsonl");
        FileSystem fs = file.getFileSystem();
        try (FSDataOutputStream out = fs.create(file, FileSystem.WriteMode.NO_OVERWRITE)) {
            line.writeTo(out);
            out.sync();
        }
        return file;
    }
}
