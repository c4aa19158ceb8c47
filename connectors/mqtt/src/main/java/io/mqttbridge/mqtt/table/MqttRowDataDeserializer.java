package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Decodes the payload of an MQTT message with the table's format ({@code 'format'}) into the
 * physical columns and appends the requested metadata columns.
 *
 * <p>A payload the format cannot decode, or a row that leaves a NOT NULL physical column without a
 * value, is a decode error and goes to the table's {@link MqttDecodeErrorPolicy} ('decode-error-handling':
 * fail naming the message, skip, or dead-letter). When the format itself is told to skip such payloads
 * (e.g. {@code json.ignore-parse-errors}) it produces no row; that is counted in the
 * {@value #PAYLOADS_SKIPPED} counter.
 */
@Internal
public final class MqttRowDataDeserializer implements MqttMessageDeserializer<RowData> {

    private static final long serialVersionUID = 1L;

    /** Counter of payloads that decoded to no row, registered on the source's metric group. */
    public static final String PAYLOADS_SKIPPED = "numPayloadsSkipped";

    private final DeserializationSchema<RowData> payloadDecoder;
    private final String format;
    private final MqttReadableMetadata[] metadata;
    private final MqttPropertyMetadata properties;
    private final TypeInformation<RowData> producedType;
    /** Positions and names of the NOT NULL physical columns: formats fill a missing field with null. */
    private final int[] notNullPositions;
    private final String[] notNullNames;
    private final MqttDecodeErrorPolicy decodeErrors;

    private transient Counter payloadsSkipped;
    /** Rows of the message being decoded; formats emit one row per call or fresh rows. */
    private transient List<RowData> decoded;
    private transient Collector<RowData> decodedCollector;

    MqttRowDataDeserializer(
            DeserializationSchema<RowData> payloadDecoder,
            String format,
            RowType physicalType,
            List<MqttReadableMetadata> metadata,
            MqttPropertyMetadata properties,
            TypeInformation<RowData> producedType,
            MqttDecodeErrorPolicy decodeErrors) {
        this.payloadDecoder = payloadDecoder;
        this.format = format;
        this.metadata = metadata.toArray(new MqttReadableMetadata[0]);
        this.properties = properties;
        this.producedType = producedType;
        this.decodeErrors = decodeErrors;
        List<RowType.RowField> fields = physicalType.getFields();
        this.notNullPositions = IntStream.range(0, fields.size()).filter(i -> !fields.get(i).getType().isNullable()).toArray();
        this.notNullNames = Arrays.stream(notNullPositions).mapToObj(i -> fields.get(i).getName()).toArray(String[]::new);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        payloadDecoder.open(context);
        payloadsSkipped = context.getMetricGroup().counter(PAYLOADS_SKIPPED);
        decodeErrors.open(context.getMetricGroup());
        decoded = new ArrayList<>(1);
        decodedCollector = new ListCollector<>(decoded);
    }

    @Override
    public void deserialize(MqttMessage message, Collector<RowData> out) throws IOException {
        // Decode completely before emitting: formats catch what happens inside their collect() call
        // (json with ignore-parse-errors swallows any Throwable), so a failure of the operators after
        // the source would be hidden or reported as a decoding error.
        // MqttSource always calls open() first.
        decoded.clear();
        try {
            payloadDecoder.deserialize(message.payload(), decodedCollector);
        } catch (IOException | RuntimeException e) {
            String described = describe(message);
            decodeErrors.handle(
                    message,
                    properties.messageId(message),
                    described,
                    new IOException(
                            "Cannot decode the payload of the MQTT message on " + described + " with format '" + format
                                    + "': " + sentence(e.getMessage()) + advice(),
                            e),
                    "the payload cannot be decoded with format '" + format + "' (" + rootCause(e) + ")");
            return;
        }
        // json with ignore-parse-errors collects null for a payload it gave up on
        decoded.removeIf(Objects::isNull);
        if (decoded.isEmpty()) {
            payloadsSkipped.inc();
            return;
        }
        String nullColumn = missingNotNullColumn();
        if (nullColumn != null) {
            String described = describe(message);
            String reason = "the NOT NULL column '" + nullColumn + "' has no value in the payload (format '" + format + "')";
            decodeErrors.handle(
                    message,
                    properties.messageId(message),
                    described,
                    new IOException("Cannot decode the MQTT message on " + described + ": " + reason + "." + advice()),
                    reason);
            return;
        }
        for (RowData physical : decoded) {
            out.collect(withMetadata(physical, message));
        }
    }

    /** Topic, packet id and, when the publisher set one, the message id. */
    @Override
    public String describe(MqttMessage message) {
        String messageId = properties.messageId(message);
        return messageId == null ? message.describe() : message.describe() + " message id '" + messageId + "'";
    }

    @Nullable
    private String missingNotNullColumn() {
        for (RowData row : decoded) {
            for (int i = 0; i < notNullPositions.length; i++) {
                if (row.isNullAt(notNullPositions[i])) {
                    return notNullNames[i];
                }
            }
        }
        return null;
    }

    private static String advice() {
        return " The message is not acknowledged, so it comes again after the restart. Fix the publisher, or set "
                + "'decode-error-handling' to 'skip' or 'dead-letter' (or let the format skip such payloads, e.g. "
                + "'json.ignore-parse-errors' = 'true'; those are counted in the metric " + PAYLOADS_SKIPPED + ").";
    }

    /** The innermost exception's class: formats quote the payload in their messages. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static String sentence(String text) {
        return text == null ? "(no detail)." : text.endsWith(".") ? text : text + ".";
    }

    private RowData withMetadata(RowData physical, MqttMessage message) {
        if (metadata.length == 0) {
            return physical;
        }
        GenericRowData meta = new GenericRowData(metadata.length);
        for (int i = 0; i < metadata.length; i++) {
            meta.setField(i, metadata[i].read(message, properties));
        }
        return new JoinedRowData(physical.getRowKind(), physical, meta);
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
