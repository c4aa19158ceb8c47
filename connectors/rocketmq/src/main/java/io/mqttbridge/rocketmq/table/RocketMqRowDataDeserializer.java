package io.mqttbridge.rocketmq.table;

import io.mqttbridge.rocketmq.source.RocketMqMessageDeserializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the body of a RocketMQ message with the table's format into the physical columns and
 * appends the requested metadata columns. A body the format cannot decode fails the job (the source
 * names the message); the format's own options (e.g. {@code json.ignore-parse-errors}) skip it instead.
 */
@Internal
public final class RocketMqRowDataDeserializer implements RocketMqMessageDeserializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<RowData> bodyDecoder;
    private final RocketMqReadableMetadata[] metadata;
    private final TypeInformation<RowData> producedType;

    /** Rows of the message being decoded: decoded completely before any is emitted. */
    private transient List<RowData> decoded;
    private transient Collector<RowData> decodedCollector;

    RocketMqRowDataDeserializer(
            DeserializationSchema<RowData> bodyDecoder, List<RocketMqReadableMetadata> metadata, TypeInformation<RowData> producedType) {
        this.bodyDecoder = bodyDecoder;
        this.metadata = metadata.toArray(new RocketMqReadableMetadata[0]);
        this.producedType = producedType;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        bodyDecoder.open(context);
        decoded = new ArrayList<>(1);
        decodedCollector = new ListCollector<>(decoded);
    }

    @Override
    public void deserialize(MessageExt message, Collector<RowData> out) throws IOException {
        // Decode first, emit after: a format catches what happens inside its collect() call, so a
        // failure downstream would otherwise look like (or be swallowed as) a decoding error.
        decoded.clear();
        bodyDecoder.deserialize(message.getBody(), decodedCollector);
        decoded.removeIf(Objects::isNull);
        for (RowData physical : decoded) {
            out.collect(withMetadata(physical, message));
        }
    }

    private RowData withMetadata(RowData physical, MessageExt message) {
        if (metadata.length == 0) {
            return physical;
        }
        GenericRowData meta = new GenericRowData(metadata.length);
        for (int i = 0; i < metadata.length; i++) {
            meta.setField(i, metadata[i].read(message));
        }
        return new JoinedRowData(physical.getRowKind(), physical, meta);
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
