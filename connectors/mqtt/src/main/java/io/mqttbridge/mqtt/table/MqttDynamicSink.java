package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.connector.table.MetadataColumn;
import io.mqttbridge.mqtt.sink.MqttSink;
import io.mqttbridge.mqtt.sink.MqttSinkConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsWritingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code 'mqtt'} table as a sink: every insert-only row becomes one PUBLISH of an {@link MqttSink},
 * its physical columns encoded by the table's format. Writable metadata: {@code topic} (the row's
 * topic; overrides option 'topic') and {@code user-properties} (MAP&lt;STRING, STRING&gt;, MQTT 5 user
 * properties).
 */
@Internal
public final class MqttDynamicSink implements DynamicTableSink, SupportsWritingMetadata {

    public static final String TOPIC = "topic";
    public static final String USER_PROPERTIES = "user-properties";

    private final DataType physicalDataType;
    private final EncodingFormat<SerializationSchema<RowData>> format;
    private final MqttSinkConfig config;
    @Nullable private final LatencyTimeColumn latencyColumn;
    @Nullable private final Integer parallelism;
    private List<String> metadataKeys = new ArrayList<>();

    MqttDynamicSink(
            DataType physicalDataType,
            EncodingFormat<SerializationSchema<RowData>> format,
            MqttSinkConfig config,
            @Nullable LatencyTimeColumn latencyColumn,
            @Nullable Integer parallelism) {
        this.physicalDataType = physicalDataType;
        this.format = format;
        this.config = config;
        this.latencyColumn = latencyColumn;
        this.parallelism = parallelism;
    }

    /** The metadata columns a sink table may write, with their types. */
    static Map<String, DataType> writableMetadata() {
        Map<String, DataType> metadata = new LinkedHashMap<>();
        metadata.put(TOPIC, DataTypes.STRING());
        metadata.put(USER_PROPERTIES, DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()));
        return metadata;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        // A published message cannot be retracted.
        return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        return SinkV2Provider.of(MqttSink.of(config, createSerializer(context)), parallelism);
    }

    @VisibleForTesting
    RowDataToMqttMessage createSerializer(Context context) {
        int arity = DataType.getFieldCount(physicalDataType);
        return new RowDataToMqttMessage(
                format.createRuntimeEncoder(context, physicalDataType),
                arity,
                MetadataColumn.positionInRow(metadataKeys, TOPIC, arity),
                MetadataColumn.positionInRow(metadataKeys, USER_PROPERTIES, arity),
                config.topic(),
                config.qos(),
                config.retain(),
                latencyColumn);
    }

    @Override
    public Map<String, DataType> listWritableMetadata() {
        return writableMetadata();
    }

    @Override
    public void applyWritableMetadata(List<String> metadataKeys, DataType consumedDataType) {
        this.metadataKeys = new ArrayList<>(metadataKeys);
    }

    @Override
    public DynamicTableSink copy() {
        MqttDynamicSink copy = new MqttDynamicSink(physicalDataType, format, config, latencyColumn, parallelism);
        copy.metadataKeys = new ArrayList<>(metadataKeys);
        return copy;
    }

    @Override
    public String asSummaryString() {
        // no option values: the password must never reach a plan or a log
        return "MQTT";
    }

    @VisibleForTesting
    MqttSinkConfig config() {
        return config;
    }

    @VisibleForTesting
    @Nullable
    Integer parallelism() {
        return parallelism;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttDynamicSink)) {
            return false;
        }
        MqttDynamicSink that = (MqttDynamicSink) o;
        return physicalDataType.equals(that.physicalDataType)
                && format.equals(that.format)
                && config.equals(that.config)
                && Objects.equals(latencyColumn, that.latencyColumn)
                && Objects.equals(parallelism, that.parallelism)
                && metadataKeys.equals(that.metadataKeys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(physicalDataType, config, latencyColumn, parallelism, metadataKeys);
    }
}
