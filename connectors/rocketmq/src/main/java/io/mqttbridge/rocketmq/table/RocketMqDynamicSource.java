package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.table.MetadataColumn;
import io.mqttbridge.rocketmq.source.RocketMqSource;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The {@code 'rocketmq'} table as a scan source: a {@link RocketMqSource} whose records are the
 * message body decoded by the table's format, followed by the requested metadata columns.
 */
@Internal
public final class RocketMqDynamicSource implements ScanTableSource, SupportsReadingMetadata {

    private final DataType physicalDataType;
    private final DecodingFormat<DeserializationSchema<RowData>> decodingFormat;
    private final RocketMqSourceConfig config;
    @Nullable private final Integer parallelism;

    private List<RocketMqReadableMetadata> metadata = Collections.emptyList();
    private DataType producedDataType;

    public RocketMqDynamicSource(
            DataType physicalDataType,
            DecodingFormat<DeserializationSchema<RowData>> decodingFormat,
            RocketMqSourceConfig config,
            @Nullable Integer parallelism) {
        this.physicalDataType = physicalDataType;
        this.decodingFormat = decodingFormat;
        this.config = config;
        this.parallelism = parallelism;
        this.producedDataType = physicalDataType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return decodingFormat.getChangelogMode();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        RocketMqRowDataDeserializer deserializer = new RocketMqRowDataDeserializer(
                decodingFormat.createRuntimeDecoder(context, physicalDataType),
                metadata,
                context.createTypeInformation(producedDataType));
        return SourceProvider.of(RocketMqSource.of(config, deserializer), parallelism);
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        return MetadataColumn.types(RocketMqReadableMetadata.values());
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        this.metadata = metadataKeys.stream().map(RocketMqReadableMetadata::ofKey).collect(Collectors.toList());
        this.producedDataType = producedDataType;
    }

    @Override
    public DynamicTableSource copy() {
        RocketMqDynamicSource copy = new RocketMqDynamicSource(physicalDataType, decodingFormat, config, parallelism);
        copy.metadata = new ArrayList<>(metadata);
        copy.producedDataType = producedDataType;
        return copy;
    }

    @Override
    public String asSummaryString() {
        // no option values: the secret key must never reach a plan or a log
        return "RocketMQ";
    }

    public RocketMqSourceConfig config() {
        return config;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RocketMqDynamicSource)) {
            return false;
        }
        RocketMqDynamicSource that = (RocketMqDynamicSource) o;
        return physicalDataType.equals(that.physicalDataType)
                && decodingFormat.equals(that.decodingFormat)
                && config.equals(that.config)
                && Objects.equals(parallelism, that.parallelism)
                && metadata.equals(that.metadata)
                && producedDataType.equals(that.producedDataType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(physicalDataType, config, parallelism, metadata);
    }
}
