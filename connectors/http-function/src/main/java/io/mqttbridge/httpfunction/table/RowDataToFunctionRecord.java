package io.mqttbridge.httpfunction.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.httpfunction.sink.FunctionRecord;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.util.FlinkRuntimeException;

import javax.annotation.Nullable;

import java.util.stream.IntStream;

/**
 * Turns a row of an {@code http-function} table into a {@link FunctionRecord}: the physical columns
 * serialized by the table's format, the ordering key read from its column, topic and message id
 * from the writable metadata columns (appended after the physical ones by the planner), the origin
 * time for the route's latency gauge from the latency-time-column.
 */
@Internal
final class RowDataToFunctionRecord implements ElementConverter<RowData, FunctionRecord> {

    private static final long serialVersionUID = 1L;

    private final SerializationSchema<RowData> format;
    private final int physicalArity;
    @Nullable private final RowData.FieldGetter key;
    private final int topicPos;
    private final int messageIdPos;
    @Nullable private final LatencyTimeColumn latencyColumn;
    private transient ProjectedRowData physical;

    RowDataToFunctionRecord(
            SerializationSchema<RowData> format,
            int physicalArity,
            @Nullable RowData.FieldGetter key,
            int topicPos,
            int messageIdPos,
            @Nullable LatencyTimeColumn latencyColumn) {
        this.format = format;
        this.physicalArity = physicalArity;
        this.key = key;
        this.topicPos = topicPos;
        this.messageIdPos = messageIdPos;
        this.latencyColumn = latencyColumn;
    }

    @Override
    public void open(WriterInitContext context) {
        try {
            format.open(context.asSerializationSchemaInitializationContext());
        } catch (Exception e) {
            throw new FlinkRuntimeException("Could not open the format of the http-function table", e);
        }
    }

    @Override
    public FunctionRecord apply(RowData row, SinkWriter.Context context) {
        if (physical == null) {
            physical = ProjectedRowData.from(IntStream.range(0, physicalArity).toArray());
        }
        byte[] payload = format.serialize(physical.replaceRow(row));
        Object k = key == null ? null : key.getFieldOrNull(row);
        return new FunctionRecord(
                k == null ? null : k.toString(),
                string(row, topicPos),
                string(row, messageIdPos),
                payload,
                LatencyTimeColumn.originMillis(latencyColumn, row));
    }

    private static String string(RowData row, int pos) {
        return pos < 0 || row.isNullAt(pos) ? null : row.getString(pos).toString();
    }
}
