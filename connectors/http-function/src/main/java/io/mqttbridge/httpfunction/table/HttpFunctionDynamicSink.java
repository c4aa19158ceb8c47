package io.mqttbridge.httpfunction.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.connector.table.MetadataColumn;
import io.mqttbridge.httpfunction.HttpFunctionOptions;
import io.mqttbridge.httpfunction.sink.FunctionSink;
import io.mqttbridge.httpfunction.sink.FunctionSinkConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsWritingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code http-function} table as a sink: insert-only rows become records of a {@link
 * FunctionSink}. Writable metadata {@code topic} and {@code message-id} travel in the envelope and
 * name records in logs (e.g. {@code mqtt_topic STRING METADATA FROM 'topic'}).
 */
@Internal
final class HttpFunctionDynamicSink implements DynamicTableSink, SupportsWritingMetadata {

    static final String TOPIC = "topic";
    static final String MESSAGE_ID = "message-id";

    private final DataType physicalType;
    private final EncodingFormat<SerializationSchema<RowData>> format;
    private final FunctionSinkConfig config;
    @Nullable private final String orderingKey;
    @Nullable private final LatencyTimeColumn latencyColumn;
    @Nullable private final Integer parallelism;
    private List<String> metadataKeys = new ArrayList<>();

    HttpFunctionDynamicSink(
            DataType physicalType,
            EncodingFormat<SerializationSchema<RowData>> format,
            FunctionSinkConfig config,
            @Nullable String orderingKey,
            @Nullable LatencyTimeColumn latencyColumn,
            @Nullable Integer parallelism) {
        this.physicalType = physicalType;
        this.format = format;
        this.config = config;
        this.orderingKey = orderingKey;
        this.latencyColumn = latencyColumn;
        this.parallelism = parallelism;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        // A function invocation cannot be retracted.
        return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        RowType rowType = (RowType) physicalType.getLogicalType();
        RowData.FieldGetter key = null;
        if (orderingKey != null) {
            int pos = rowType.getFieldNames().indexOf(orderingKey);
            LogicalType type = rowType.getTypeAt(pos);
            key = RowData.createFieldGetter(type, pos);
        }
        int arity = rowType.getFieldCount();
        RowDataToFunctionRecord converter =
                new RowDataToFunctionRecord(
                        format.createRuntimeEncoder(context, physicalType),
                        arity,
                        key,
                        MetadataColumn.positionInRow(metadataKeys, TOPIC, arity),
                        MetadataColumn.positionInRow(metadataKeys, MESSAGE_ID, arity),
                        latencyColumn);
        // sequential: rows are keyed by the ordering key before the writer (FunctionSink's pre-write
        // topology), so that one key is written by one subtask at any sink.parallelism. A keyBy in
        // a DataStreamSinkProvider would do the same but change the sink's operator ids and with them
        // the savepoints of existing routes; SupportsPartitioning is for static partitions.
        FunctionSink<RowData> sink =
                key == null || config.ordering() != HttpFunctionOptions.Ordering.SEQUENTIAL
                        ? FunctionSink.create(converter, config)
                        : FunctionSink.create(converter, config, new OrderingKeySelector(key));
        return SinkV2Provider.of(sink, parallelism);
    }

    /** The ordering key of a row as {@link RowDataToFunctionRecord} sends it; "" for null (only routes the row). */
    private static final class OrderingKeySelector implements KeySelector<RowData, String> {
        private static final long serialVersionUID = 1L;
        private final RowData.FieldGetter key;

        OrderingKeySelector(RowData.FieldGetter key) {
            this.key = key;
        }

        @Override
        public String getKey(RowData row) {
            Object k = key.getFieldOrNull(row);
            return k == null ? "" : k.toString();
        }
    }

    @Override
    public Map<String, DataType> listWritableMetadata() {
        Map<String, DataType> metadata = new LinkedHashMap<>();
        metadata.put(TOPIC, org.apache.flink.table.api.DataTypes.STRING());
        metadata.put(MESSAGE_ID, org.apache.flink.table.api.DataTypes.STRING());
        return metadata;
    }

    @Override
    public void applyWritableMetadata(List<String> metadataKeys, DataType consumedDataType) {
        this.metadataKeys = new ArrayList<>(metadataKeys);
    }

    @Override
    public DynamicTableSink copy() {
        HttpFunctionDynamicSink copy = new HttpFunctionDynamicSink(physicalType, format, config, orderingKey, latencyColumn, parallelism);
        copy.metadataKeys = new ArrayList<>(metadataKeys);
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "http-function(" + config.safeUrl() + ")";
    }
}
