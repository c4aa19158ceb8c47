package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import org.apache.flink.annotation.Internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The request body of one invocation (documented in docs/connectors/http-function.md, stable for function authors):
 *
 * <pre>{@code
 * {"function":"low_battery_fn","encoding":"json","count":2,"records":[
 *   {"key":"v-017","topic":"vehicles/v-017/battery","message-id":"m-1","payload":{"vehicle":"v-017","soc":12.5}},
 *   {"key":"v-018","payload":{"vehicle":"v-018","soc":9.0}}]}
 * }</pre>
 *
 * <p>{@code payload} is the record as the table's format wrote it: inline JSON for {@code json},
 * a string for text formats, a base64 string with {@code base64-payload}. {@code key}, {@code topic}
 * and {@code message-id} are left out where the record has none.
 */
@Internal
public final class FunctionEnvelope {

    private FunctionEnvelope() {}

    public static byte[] toJson(String function, PayloadEncoding encoding, List<FunctionRecord> records) {
        int size = 64;
        for (FunctionRecord r : records) {
            size += r.payload().length + 64;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        write(out, "{\"function\":");
        writeString(out, function);
        write(out, ",\"encoding\":\"" + encoding + "\",\"count\":" + records.size() + ",\"records\":[");
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            writeRecord(out, encoding, records.get(i));
        }
        write(out, "]}");
        return out.toByteArray();
    }

    /** One record as it appears in {@code records} (also used for dead-letter lines). */
    static void writeRecord(ByteArrayOutputStream out, PayloadEncoding encoding, FunctionRecord r) {
        out.write('{');
        if (r.key() != null) {
            write(out, "\"key\":");
            writeString(out, r.key());
            out.write(',');
        }
        if (r.topic() != null) {
            write(out, "\"topic\":");
            writeString(out, r.topic());
            out.write(',');
        }
        if (r.messageId() != null) {
            write(out, "\"message-id\":");
            writeString(out, r.messageId());
            out.write(',');
        }
        write(out, "\"payload\":");
        switch (encoding) {
            case JSON:
                out.write(r.payload(), 0, r.payload().length);
                break;
            case TEXT:
                writeString(out, new String(r.payload(), StandardCharsets.UTF_8));
                break;
            default:
                write(out, "\"" + Base64.getEncoder().encodeToString(r.payload()) + "\"");
        }
        out.write('}');
    }

    static void write(ByteArrayOutputStream out, String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }

    /** A JSON string literal (RFC 8259: quote, backslash and control characters escaped). */
    static void writeString(ByteArrayOutputStream out, String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        write(out, b.append('"').toString());
    }
}
