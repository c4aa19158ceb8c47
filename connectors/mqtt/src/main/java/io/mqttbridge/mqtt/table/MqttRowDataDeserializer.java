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
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the payload of an MQTT message with the table's format ({@code 'format'}) into the
 * physical columns and appends the requested metadata columns.
 *
 * <p>A payload the format cannot decode fails the job with the message (topic, packet id) and the
 * format named. When the format is told to skip such payloads (e.g. {@code json.ignore-parse-errors})
 * it produces no row; that is counted in the {@value #PAYLOADS_SKIPPED} counter.
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

    private transient Counter payloadsSkipped;
    /** Rows of the message being decoded; formats emit one row per call or fresh rows. */
    private transient List<RowData> decoded;
    private transient Collector<RowData> decodedCollector;

    MqttRowDataDeserializer(
            DeserializationSchema<RowData> payloadDecoder,
            String format,
            List<MqttReadableMetadata> metadata,
            MqttPropertyMetadata properties,
            TypeInformation<RowData> producedType) {
        this.payloadDecoder = payloadDecoder;
        this.format = format;
        this.metadata = metadata.toArray(new MqttReadableMetadata[0]);
        this.properties = properties;
        this.producedType = producedType;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        payloadDecoder.open(context);
        payloadsSkipped = context.getMetricGroup().counter(PAYLOADS_SKIPPED);
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
            throw new IOException(
                    "Cannot decode the payload of the MQTT message on "
                            + message.describe()
                            + " with format '"
                            + format
                            + "': "
                            + sentence(e.getMessage())
                            + " Fix the publisher, or let the format skip such payloads "
                            + "(e.g. 'json.ignore-parse-errors' = 'true'; skipped payloads are counted in "
                            + "the metric "
                            + PAYLOADS_SKIPPED
                            + ").",
                    e);
        }
        // json with ignore-parse-errors collects null for a payload it gave up on
        decoded.removeIf(Objects::isNull);
        if (decoded.isEmpty()) {
            payloadsSkipped.inc();
            return;
        }
        for (RowData physical : decoded) {
            out.collect(withMetadata(physical, message));
        }
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
