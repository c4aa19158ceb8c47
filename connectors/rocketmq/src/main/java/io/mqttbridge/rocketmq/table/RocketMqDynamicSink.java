package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.connector.table.MetadataColumn;
import io.mqttbridge.connector.table.TableValidation;
import io.mqttbridge.rocketmq.RocketMqOptions;
import io.mqttbridge.rocketmq.sink.RocketMqSink;
import io.mqttbridge.rocketmq.sink.RocketMqSinkConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsWritingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code rocketmq} table as a sink: insert-only rows to {@link RocketMqSink}. */
@Internal
final class RocketMqDynamicSink implements DynamicTableSink, SupportsWritingMetadata {

    private final DataType physicalType;
    private final EncodingFormat<SerializationSchema<RowData>> format;
    private final RocketMqSinkConfig config;
    @Nullable private final String latencyColumn;
    @Nullable private final Integer parallelism;
    private final String table;
    private List<String> metadataKeys = new ArrayList<>();

    RocketMqDynamicSink(
            DataType physicalType,
            EncodingFormat<SerializationSchema<RowData>> format,
            RocketMqSinkConfig config,
            @Nullable String latencyColumn,
            @Nullable Integer parallelism,
            String table) {
        this.physicalType = physicalType;
        this.format = format;
        this.config = config;
        this.latencyColumn = latencyColumn;
        this.parallelism = parallelism;
        this.table = table;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        // A message queue has no updates or deletes: each row is one message.
        return ChangelogMode.insertOnly();
    }

    @Override
    public Map<String, DataType> listWritableMetadata() {
        return MetadataColumn.types(RocketMqWritableMetadata.values());
    }

    @Override
    public void applyWritableMetadata(List<String> metadataKeys, DataType consumedDataType) {
        this.metadataKeys = new ArrayList<>(metadataKeys);
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        if (config.topic() == null && !metadataKeys.contains(RocketMqWritableMetadata.TOPIC.key())) {
            throw new ValidationException(
                    "Missing required option '" + RocketMqOptions.TOPIC.key() + "': expected the RocketMQ topic to write "
                            + "to, or a writable metadata column 'topic STRING METADATA' that names it per row (table "
                            + table + ")");
        }
        RowType row = (RowType) physicalType.getLogicalType();
        LatencyTimeColumn latency;
        try {
            latency = LatencyTimeColumn.of(latencyColumn, row);
        } catch (IllegalArgumentException e) {
            throw TableValidation.failed(e, table);
        }
        SerializationSchema<RowData> body = format.createRuntimeEncoder(context, physicalType);
        RowDataToRocketMqMessage serializer = new RowDataToRocketMqMessage(body, row.getChildren(), metadataKeys, latency);
        return SinkV2Provider.of(new RocketMqSink<>(config, serializer), parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        RocketMqDynamicSink copy = new RocketMqDynamicSink(physicalType, format, config, latencyColumn, parallelism, table);
        copy.metadataKeys = new ArrayList<>(metadataKeys);
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "rocketmq";
    }
}
