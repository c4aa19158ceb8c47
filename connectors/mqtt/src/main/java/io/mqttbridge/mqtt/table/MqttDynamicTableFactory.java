package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.connector.options.DeclaredOptions;
import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.sink.MqttSinkConfig;
import io.mqttbridge.mqtt.sink.MqttSinkOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.table.types.logical.RowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Factory of the {@code 'mqtt'} table: {@code CREATE TABLE t (...) WITH ('connector' = 'mqtt',
 * 'server-uri' = ..., 'topic-filter' = ..., 'format' = 'json')} to read, or with {@code 'topic'} (or a
 * writable {@code topic} metadata column) instead of {@code 'topic-filter'} to publish.
 *
 * <p>A table read from accepts the options of {@link MqttOptions} (shared with the DataStream builder),
 * those of {@link MqttTableOptions} (metadata property names, decode errors), {@code format} with its
 * format options, and {@code scan.parallelism}. A table written to accepts the connection options of
 * {@link MqttOptions} and {@code qos}, those of {@link MqttSinkOptions}, {@code format} and {@code
 * sink.parallelism}. An option of the other direction is refused, naming it. Values are checked here,
 * once, by the source's or the sink's own configuration checks ({@link MqttSourceConfig}, {@link
 * MqttSinkConfig}), so that a bad route fails when it is planned, naming the option and what it accepts.
 */
@Internal
public final class MqttDynamicTableFactory implements DynamicTableSourceFactory, DynamicTableSinkFactory {

    public static final String IDENTIFIER = "mqtt";

    private static final Logger LOG = LoggerFactory.getLogger(MqttDynamicTableFactory.class);

    /** Options of {@link MqttOptions} that only a subscriber uses. */
    private static final Set<ConfigOption<?>> SUBSCRIPTION_OPTIONS = Set.of(
            MqttOptions.TOPIC_FILTER,
            MqttOptions.SHARED_GROUP,
            MqttOptions.SUBSCRIBERS,
            MqttOptions.ACK_MODE,
            MqttOptions.SESSION_LOST,
            MqttOptions.SESSION_EXPIRY,
            MqttOptions.RECEIVE_MAXIMUM,
            MqttOptions.MAXIMUM_PACKET_SIZE);

    /** What a table read from accepts. */
    private static final Set<ConfigOption<?>> SOURCE_OPTIONS = union(
            DeclaredOptions.in(MqttOptions.class, MqttTableOptions.class), Set.of(FactoryUtil.FORMAT, FactoryUtil.SOURCE_PARALLELISM));

    /** What a table written to accepts. */
    private static final Set<ConfigOption<?>> SINK_OPTIONS = union(
            minus(DeclaredOptions.in(MqttOptions.class), SUBSCRIPTION_OPTIONS),
            DeclaredOptions.in(MqttSinkOptions.class),
            Set.of(FactoryUtil.FORMAT, FactoryUtil.SINK_PARALLELISM));

    private static final Set<ConfigOption<?>> SOURCE_REQUIRED =
            Set.of(MqttOptions.SERVER_URI, MqttOptions.TOPIC_FILTER, FactoryUtil.FORMAT);

    private static final Set<ConfigOption<?>> SINK_REQUIRED = Set.of(MqttOptions.SERVER_URI, FactoryUtil.FORMAT);

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    /** What both directions require; the rest is checked per direction. */
    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return SINK_REQUIRED;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> optional = union(SOURCE_OPTIONS, SINK_OPTIONS);
        optional.removeAll(SINK_REQUIRED);
        return optional;
    }

    /** The options a table read from accepts (required ones included). */
    public static Set<ConfigOption<?>> sourceOptions() {
        return Collections.unmodifiableSet(SOURCE_OPTIONS);
    }

    /** The options a table written to accepts (required ones included). */
    public static Set<ConfigOption<?>> sinkOptions() {
        return Collections.unmodifiableSet(SINK_OPTIONS);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        refuseOtherDirection(context.getCatalogTable().getOptions(), SINK_OPTIONS, SOURCE_OPTIONS, "written to (INSERT INTO)");
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        DecodingFormat<DeserializationSchema<RowData>> format;
        try {
            format = helper.discoverDecodingFormat(DeserializationFormatFactory.class, FactoryUtil.FORMAT);
            helper.validate();
            requireAll(context.getCatalogTable().getOptions(), SOURCE_REQUIRED);
        } catch (ValidationException e) {
            throw summarize(context.getCatalogTable().getOptions(), e, SOURCE_REQUIRED, SOURCE_OPTIONS);
        }
        ReadableConfig options = helper.getOptions();
        MqttSourceConfig sourceConfig;
        MqttDecodeErrorPolicy decodeErrors;
        MqttFilterPushDown filters;
        try {
            // the source's own checks, so that the table and the DataStream builder accept the same values
            ObjectIdentifier table = context.getObjectIdentifier();
            sourceConfig = MqttSourceConfig.forTable(options, table.getObjectName(), table.asSummaryString());
            sourceConfig.connection().checkTlsStores();
            decodeErrors = MqttDecodeErrorPolicy.from(options, context.getCatalogTable().getOptions(), table.getObjectName());
            filters = MqttFilterPushDown.forTable(context, options);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage(), e);
        }
        warnIfScansAreNotShared(context);
        return new MqttDynamicSource(
                context.getPhysicalRowDataType(),
                format,
                options.get(FactoryUtil.FORMAT),
                sourceConfig,
                MqttPropertyMetadata.from(options),
                decodeErrors,
                options.getOptional(FactoryUtil.SOURCE_PARALLELISM).orElse(null),
                filters);
    }

    /**
     * Every scan of an 'mqtt' table connects with the table's client ids. Several INSERTs reading one
     * table share its subscription only when the planner merges their scans into one source, which it
     * does unless source or sub-plan reuse is switched off; then the scans take each other's sessions
     * over (the broker disconnects one with "session taken over", 0x8E) in a loop. The factory cannot
     * see how many scans a table gets, so it warns here; the docs say the same.
     */
    private static void warnIfScansAreNotShared(Context context) {
        ReadableConfig session = context.getConfiguration();
        if (!session.get(OptimizerConfigOptions.TABLE_OPTIMIZER_REUSE_SOURCE_ENABLED)
                || !session.get(OptimizerConfigOptions.TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED)) {
            LOG.warn(
                    "'{}' = false or '{}' = false: if more than one INSERT reads the mqtt table {}, each gets its own "
                            + "source with the same client ids, and they take each other's MQTT sessions over in a "
                            + "loop. Keep both options true, or read each mqtt table in one INSERT.",
                    OptimizerConfigOptions.TABLE_OPTIMIZER_REUSE_SOURCE_ENABLED.key(),
                    OptimizerConfigOptions.TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED.key(),
                    context.getObjectIdentifier().asSummaryString());
        }
    }

    /**
     * Flink's own message for missing or unknown options spans many lines (a routes runner shows
     * the first few); this one names every missing and unknown key and the supported ones in one.
     */
    private static ValidationException summarize(
            Map<String, String> tableOptions, ValidationException e, Set<ConfigOption<?>> required, Set<ConfigOption<?>> accepted) {
        Set<String> supported = new TreeSet<>();
        accepted.forEach(o -> supported.add(o.key()));
        String formatPrefix = tableOptions.get(FactoryUtil.FORMAT.key()) + ".";
        List<String> missing = new ArrayList<>();
        for (ConfigOption<?> option : required) {
            if (!tableOptions.containsKey(option.key())) {
                missing.add("'" + option.key() + "'");
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeSet<>(tableOptions.keySet())) {
            if (!supported.contains(key)
                    && !key.startsWith(formatPrefix)
                    && !key.equals(FactoryUtil.CONNECTOR.key())
                    && !key.equals(FactoryUtil.PROPERTY_VERSION.key())) {
                unknown.add("'" + key + "'");
            }
        }
        if (missing.isEmpty() && unknown.isEmpty()) {
            return e; // e.g. a value of the wrong type, or an unknown option of the format
        }
        StringBuilder message = new StringBuilder("Invalid options of the 'mqtt' table:");
        if (!missing.isEmpty()) {
            message.append(" missing required option(s) ").append(String.join(", ", missing)).append(';');
        }
        if (!unknown.isEmpty()) {
            message.append(" unsupported option(s) ").append(String.join(", ", unknown)).append(';');
        }
        message.setLength(message.length() - 1);
        message.append(". Supported options: ")
                .append(String.join(", ", supported))
                .append(", and the options of the format, prefixed '")
                .append(formatPrefix)
                .append("'.");
        // Without Flink's message as the cause: error reports lead with the root cause, and this one says all of it.
        return new ValidationException(message.toString());
    }


    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        Map<String, String> tableOptions = context.getCatalogTable().getOptions();
        refuseOtherDirection(tableOptions, SOURCE_OPTIONS, SINK_OPTIONS, "read from (SELECT ... FROM)");
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        EncodingFormat<SerializationSchema<RowData>> format;
        try {
            format = helper.discoverEncodingFormat(SerializationFormatFactory.class, FactoryUtil.FORMAT);
            helper.validate();
        } catch (ValidationException e) {
            throw summarize(tableOptions, e, SINK_REQUIRED, SINK_OPTIONS);
        }
        ReadableConfig options = helper.getOptions();
        MqttSinkConfig sinkConfig;
        LatencyTimeColumn latencyColumn;
        try {
            ObjectIdentifier table = context.getObjectIdentifier();
            sinkConfig = MqttSinkConfig.forTable(options, table.getObjectName(), table.asSummaryString());
            sinkConfig.connection().checkTlsStores();
            Set<String> written = writtenMetadata(context.getCatalogTable().getResolvedSchema());
            if (sinkConfig.topic() == null && !written.contains(MqttDynamicSink.TOPIC)) {
                throw OptionChecks.missing(MqttSinkOptions.TOPIC, "a topic to publish to, or a column "
                        + "`<name> STRING METADATA FROM 'topic'` that gives each row its topic");
            }
            if (written.contains(MqttDynamicSink.USER_PROPERTIES)
                    && sinkConfig.connection().protocolVersion() != MqttOptions.ProtocolVersion.V5) {
                throw OptionChecks.invalid(MqttOptions.PROTOCOL_VERSION, sinkConfig.connection().protocolVersion(),
                        "'5' for a table with a 'user-properties' metadata column: MQTT 3.1.1 has no user properties");
            }
            latencyColumn = LatencyTimeColumn.of(
                    OptionChecks.optionalString(options, MqttSinkOptions.LATENCY_TIME_COLUMN),
                    (RowType) context.getPhysicalRowDataType().getLogicalType());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage(), e);
        }
        return new MqttDynamicSink(
                context.getPhysicalRowDataType(),
                format,
                sinkConfig,
                latencyColumn,
                options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
    }

    /** The keys of the writable metadata columns (not VIRTUAL) the table declares. */
    private static Set<String> writtenMetadata(ResolvedSchema schema) {
        Set<String> keys = new HashSet<>();
        for (Column column : schema.getColumns()) {
            if (column instanceof Column.MetadataColumn && column.isPersisted()) {
                Column.MetadataColumn metadata = (Column.MetadataColumn) column;
                keys.add(metadata.getMetadataKey().orElse(metadata.getName()));
            }
        }
        return keys;
    }

    /**
     * An option that only the other direction reads is a mistake (e.g. 'topic-filter' on a table that is
     * published to): refused, naming it, rather than ignored.
     */
    private static void refuseOtherDirection(
            Map<String, String> tableOptions, Set<ConfigOption<?>> other, Set<ConfigOption<?>> own, String otherUse) {
        for (ConfigOption<?> option : other) {
            if (tableOptions.containsKey(option.key()) && own.stream().noneMatch(o -> o.key().equals(option.key()))) {
                throw new ValidationException(OptionChecks.invalid(option, tableOptions.get(option.key()),
                        "no value: the option applies only to an mqtt table " + otherUse
                                + ". Declare one mqtt table for reading and another for publishing").getMessage());
            }
        }
    }

    /** Flink checks what both directions require; this the rest, with the same message. */
    private static void requireAll(Map<String, String> tableOptions, Set<ConfigOption<?>> required) {
        for (ConfigOption<?> option : required) {
            if (!tableOptions.containsKey(option.key())) {
                throw new ValidationException("Missing required option '" + option.key() + "'");
            }
        }
    }

    @SafeVarargs
    private static Set<ConfigOption<?>> union(Set<ConfigOption<?>>... sets) {
        Set<ConfigOption<?>> result = new LinkedHashSet<>();
        for (Set<ConfigOption<?>> set : sets) {
            result.addAll(set);
        }
        return result;
    }

    private static Set<ConfigOption<?>> minus(Set<ConfigOption<?>> set, Set<ConfigOption<?>> removed) {
        Set<ConfigOption<?>> result = new LinkedHashSet<>(set);
        result.removeAll(removed);
        return result;
    }
}
