package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.table.MetadataColumn;
import io.mqttbridge.mqtt.filter.FilteringDeserializer;
import io.mqttbridge.mqtt.filter.MessageFilter;
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
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code 'mqtt'} table as a scan source: an {@link MqttSource} whose records are the payload
 * decoded by the table's format, followed by the requested metadata columns.
 *
 * <p>Messages are tested before decoding against the table's {@code message-filter} and the predicates
 * of a route's WHERE that the planner pushes down ({@link MqttFilterPushDown}: which predicates, and
 * why a scan with pushed predicates subscribes as a subscription of its own).
 */
@Internal
public final class MqttDynamicSource implements ScanTableSource, SupportsReadingMetadata, SupportsFilterPushDown {

    private final DataType physicalDataType;
    private final DecodingFormat<DeserializationSchema<RowData>> decodingFormat;
    private final String formatName;
    /** Validated once by the factory: not validated again per plan. */
    private final MqttSourceConfig sourceConfig;
    private final MqttPropertyMetadata propertyMetadata;
    private final MqttDecodeErrorPolicy decodeErrors;
    @Nullable private final Integer parallelism;
    private final MqttFilterPushDown filters;

    private List<MqttReadableMetadata> metadata = Collections.emptyList();
    /** The predicates the planner pushed into this scan, as it wrote them, and as one message filter. */
    private List<ResolvedExpression> pushedPredicates = Collections.emptyList();
    @Nullable private MessageFilter pushedFilter;
    private DataType producedDataType;

    MqttDynamicSource(
            DataType physicalDataType,
            DecodingFormat<DeserializationSchema<RowData>> decodingFormat,
            String formatName,
            MqttSourceConfig sourceConfig,
            MqttPropertyMetadata propertyMetadata,
            MqttDecodeErrorPolicy decodeErrors,
            @Nullable Integer parallelism,
            MqttFilterPushDown filters) {
        this.physicalDataType = physicalDataType;
        this.decodingFormat = decodingFormat;
        this.formatName = formatName;
        this.sourceConfig = sourceConfig;
        this.propertyMetadata = propertyMetadata;
        this.decodeErrors = decodeErrors;
        this.parallelism = parallelism;
        this.filters = filters;
        this.producedDataType = physicalDataType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return decodingFormat.getChangelogMode();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        MqttSource<RowData> source = MqttSource.of(effectiveConfig(), FilteringDeserializer.wrap(filter(), createDeserializer(context)));
        return SourceProvider.of(source, parallelism);
    }

    /** The table's, or with pushed predicates a subscription of its own (see {@link MqttFilterPushDown}). */
    @VisibleForTesting
    MqttSourceConfig effectiveConfig() {
        return pushedPredicates.isEmpty() ? sourceConfig : filters.configFor(pushedPredicates);
    }

    /** The message-filter option AND the pushed predicates; null when there is neither. */
    @VisibleForTesting
    @Nullable
    MessageFilter filter() {
        List<MessageFilter> all = new ArrayList<>(2);
        if (filters.messageFilter() != null) {
            all.add(filters.messageFilter());
        }
        if (pushedFilter != null) {
            all.add(pushedFilter);
        }
        return all.isEmpty() ? null : MessageFilter.and(all);
    }

    /**
     * Accepts the predicates that are conditions on the message's attributes; the rest stay in the plan.
     * A table with an explicit 'client-id-prefix' accepts none (see {@link MqttFilterPushDown}).
     */
    @Override
    public Result applyFilters(List<ResolvedExpression> predicates) {
        if (!filters.acceptsPushDown()) {
            return Result.of(Collections.emptyList(), predicates);
        }
        List<ResolvedExpression> accepted = new ArrayList<>();
        List<ResolvedExpression> remaining = new ArrayList<>();
        List<MessageFilter> converted = new ArrayList<>();
        for (ResolvedExpression predicate : predicates) {
            Optional<MessageFilter> filter = filters.convert(predicate);
            if (filter.isPresent()) {
                accepted.add(predicate);
                converted.add(filter.get());
            } else {
                remaining.add(predicate);
            }
        }
        if (!accepted.isEmpty()) {
            pushedPredicates = accepted;
            pushedFilter = MessageFilter.and(converted);
        }
        return Result.of(accepted, remaining);
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
        return MetadataColumn.types(MqttReadableMetadata.values());
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
                        physicalDataType, decodingFormat, formatName, sourceConfig, propertyMetadata, decodeErrors, parallelism,
                        filters);
        copy.metadata = new ArrayList<>(metadata);
        copy.pushedPredicates = pushedPredicates;
        copy.pushedFilter = pushedFilter;
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
                && pushedPredicates.equals(that.pushedPredicates)
                && Objects.equals(filters.messageFilter(), that.filters.messageFilter())
                && producedDataType.equals(that.producedDataType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(physicalDataType, formatName, sourceConfig, parallelism, metadata, pushedPredicates);
    }
}
