package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.List;

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
    }

    @Override
    public void deserialize(MqttMessage message, Collector<RowData> out) throws IOException {
        RowCollector rows = new RowCollector(message, out);
        try {
            payloadDecoder.deserialize(message.payload(), rows);
        } catch (DownstreamFailure e) {
            // not a decoding problem: an operator chained after the source failed
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    "Cannot decode the payload of the MQTT message on "
                            + message.describe()
                            + " with format '"
                            + format
                            + "': "
                            + e.getMessage()
                            + ". Fix the publisher, or let the format skip such payloads "
                            + "(e.g. 'json.ignore-parse-errors' = 'true'; skipped payloads are counted in "
                            + PAYLOADS_SKIPPED
                            + ").",
                    e);
        }
        if (rows.emitted == 0) {
            skippedCounter().inc();
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }

    @VisibleForTesting
    Counter skippedCounter() {
        if (payloadsSkipped == null) {
            // open() was not called (a source that does not open deserializers): count locally
            payloadsSkipped = new SimpleCounter();
        }
        return payloadsSkipped;
    }

    /** Appends the metadata of the message to every row the format produces. */
    private final class RowCollector implements Collector<RowData> {
        private final MqttMessage message;
        private final Collector<RowData> out;
        private int emitted;

        RowCollector(MqttMessage message, Collector<RowData> out) {
            this.message = message;
            this.out = out;
        }

        @Override
        public void collect(RowData physical) {
            emitted++;
            RowData row = physical;
            if (metadata.length > 0) {
                GenericRowData meta = new GenericRowData(metadata.length);
                for (int i = 0; i < metadata.length; i++) {
                    meta.setField(i, metadata[i].read(message, properties));
                }
                row = new JoinedRowData(physical.getRowKind(), physical, meta);
            }
            try {
                out.collect(row);
            } catch (RuntimeException e) {
                throw new DownstreamFailure(e);
            }
        }

        @Override
        public void close() {}
    }

    /** Carries a failure of the operators after the source through the format's deserialize call. */
    private static final class DownstreamFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DownstreamFailure(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }
}
