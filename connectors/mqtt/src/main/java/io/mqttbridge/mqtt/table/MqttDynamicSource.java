package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The {@code 'mqtt'} table as a scan source: an {@link MqttSource} whose records are the payload
 * decoded by the table's format, followed by the requested metadata columns.
 */
@Internal
public final class MqttDynamicSource implements ScanTableSource, SupportsReadingMetadata {

    private final DataType physicalDataType;
    private final DecodingFormat<DeserializationSchema<RowData>> decodingFormat;
    private final String formatName;
    /** Validated once by the factory: not validated again per plan. */
    private final MqttSourceConfig sourceConfig;
    private final MqttPropertyMetadata propertyMetadata;
    private final MqttDecodeErrorPolicy decodeErrors;
    @Nullable private final Integer parallelism;

    private List<MqttReadableMetadata> metadata = Collections.emptyList();
    private DataType producedDataType;

    MqttDynamicSource(
            DataType physicalDataType,
            DecodingFormat<DeserializationSchema<RowData>> decodingFormat,
            String formatName,
            MqttSourceConfig sourceConfig,
            MqttPropertyMetadata propertyMetadata,
            MqttDecodeErrorPolicy decodeErrors,
            @Nullable Integer parallelism) {
        this.physicalDataType = physicalDataType;
        this.decodingFormat = decodingFormat;
        this.formatName = formatName;
        this.sourceConfig = sourceConfig;
        this.propertyMetadata = propertyMetadata;
        this.decodeErrors = decodeErrors;
        this.parallelism = parallelism;
        this.producedDataType = physicalDataType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return decodingFormat.getChangelogMode();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        MqttSource<RowData> source = MqttSource.of(sourceConfig, createDeserializer(context));
        return SourceProvider.of(source, parallelism);
    }

    @VisibleForTesting
    MqttRowDataDeserializer createDeserializer(DynamicTableSource.Context context) {
        DeserializationSchema<RowData> payloadDecoder =
                decodingFormat.createRuntimeDecoder(context, physicalDataType);
        TypeInformation<RowData> producedType = context.createTypeInformation(producedDataType);
        return new MqttRowDataDeserializer(
                payloadDecoder,
                formatName,
                (RowType) physicalDataType.getLogicalType(),
                metadata,
                propertyMetadata,
                producedType,
                decodeErrors);
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        Map<String, DataType> result = new LinkedHashMap<>();
        for (MqttReadableMetadata m : MqttReadableMetadata.values()) {
            result.put(m.key(), m.dataType());
        }
        return result;
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        this.metadata =
                metadataKeys.stream().map(MqttReadableMetadata::ofKey).collect(Collectors.toList());
        this.producedDataType = producedDataType;
    }

    @Override
    public DynamicTableSource copy() {
        MqttDynamicSource copy =
                new MqttDynamicSource(
                        physicalDataType, decodingFormat, formatName, sourceConfig, propertyMetadata, decodeErrors, parallelism);
        copy.metadata = new ArrayList<>(metadata);
        copy.producedDataType = producedDataType;
        return copy;
    }

    @Override
    public String asSummaryString() {
        // no option values: the password must never reach a plan or a log
        return "MQTT";
    }

    @VisibleForTesting
    MqttSourceConfig sourceConfig() {
        return sourceConfig;
    }

    @VisibleForTesting
    MqttPropertyMetadata propertyMetadata() {
        return propertyMetadata;
    }

    @VisibleForTesting
    @Nullable
    Integer parallelism() {
        return parallelism;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttDynamicSource)) {
            return false;
        }
        MqttDynamicSource that = (MqttDynamicSource) o;
        return physicalDataType.equals(that.physicalDataType)
                && decodingFormat.equals(that.decodingFormat)
                && formatName.equals(that.formatName)
                && sourceConfig.equals(that.sourceConfig)
                && propertyMetadata.equals(that.propertyMetadata)
                && decodeErrors.equals(that.decodeErrors)
                && Objects.equals(parallelism, that.parallelism)
                && metadata.equals(that.metadata)
                && producedDataType.equals(that.producedDataType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(physicalDataType, formatName, sourceConfig, parallelism, metadata);
    }
}
