package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.options.DeclaredOptions;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Factory of the {@code 'mqtt'} table (source side): {@code CREATE TABLE t (...) WITH ('connector' =
 * 'mqtt', 'server-uri' = ..., 'topic-filter' = ..., 'format' = 'json')}.
 *
 * <p>The table accepts exactly the options of {@link MqttOptions} (shared with the DataStream builder),
 * those of {@link MqttTableOptions} (metadata property names, decode errors), {@code format} with its format options,
 * and {@code scan.parallelism}. Values are checked here, once, by the source's own configuration
 * checks ({@link MqttSourceConfig}), so that a bad route fails when it is planned, naming the option
 * and what it accepts.
 */
@Internal
public final class MqttDynamicTableFactory implements DynamicTableSourceFactory {

    public static final String IDENTIFIER = "mqtt";

    private static final Logger LOG = LoggerFactory.getLogger(MqttDynamicTableFactory.class);

    /** The options of MqttOptions (shared with the DataStream builder) and of MqttTableOptions. */
    private static final Set<ConfigOption<?>> MQTT_OPTIONS = DeclaredOptions.in(MqttOptions.class, MqttTableOptions.class);

    private static final Set<ConfigOption<?>> REQUIRED =
            Set.of(MqttOptions.SERVER_URI, MqttOptions.TOPIC_FILTER, FactoryUtil.FORMAT);

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return REQUIRED;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> optional = new LinkedHashSet<>(MQTT_OPTIONS);
        optional.removeAll(REQUIRED);
        optional.add(FactoryUtil.SOURCE_PARALLELISM);
        return optional;
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        DecodingFormat<DeserializationSchema<RowData>> format;
        try {
            format = helper.discoverDecodingFormat(DeserializationFormatFactory.class, FactoryUtil.FORMAT);
            helper.validate();
        } catch (ValidationException e) {
            throw summarize(context.getCatalogTable().getOptions(), e);
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
    private ValidationException summarize(Map<String, String> tableOptions, ValidationException e) {
        Set<String> supported = new TreeSet<>();
        requiredOptions().forEach(o -> supported.add(o.key()));
        optionalOptions().forEach(o -> supported.add(o.key()));
        String formatPrefix = tableOptions.get(FactoryUtil.FORMAT.key()) + ".";
        List<String> missing = new ArrayList<>();
        for (ConfigOption<?> option : REQUIRED) {
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
        return new ValidationException(message.toString(), e);
    }

}
