package io.mqttbridge.httpfunction.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.connector.table.TableFormats;
import io.mqttbridge.connector.table.TableValidation;
import io.mqttbridge.httpfunction.HttpFunctionOptions;
import io.mqttbridge.httpfunction.HttpFunctionOptions.Ordering;
import io.mqttbridge.httpfunction.sink.CheckpointBudget;
import io.mqttbridge.httpfunction.sink.FunctionSinkConfig;
import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import javax.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Factory of the {@code 'http-function'} table: {@code CREATE TABLE fn (...) WITH ('connector' =
 * 'http-function', 'url' = ...)}, then {@code INSERT INTO fn SELECT ... FROM mqtt_t WHERE ...}.
 *
 * <p>Accepts the options of {@link HttpFunctionOptions} (shared with the DataStream builder), those of
 * {@link HttpFunctionTableOptions}, {@code headers.<Name>}, {@code format} (default {@code json}) with
 * its options and {@code sink.parallelism}. Every value is checked once, when the route is planned,
 * by the sink's own checks ({@link FunctionSinkConfig}); errors name the option and what it accepts.
 */
@Internal
public final class HttpFunctionDynamicTableFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "http-function";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(HttpFunctionOptions.URL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(HttpFunctionOptions.METHOD);
        options.add(HttpFunctionOptions.REQUEST_TIMEOUT);
        options.add(HttpFunctionOptions.CONNECT_TIMEOUT);
        options.add(HttpFunctionOptions.MAX_MESSAGES);
        options.add(HttpFunctionOptions.MAX_WAIT);
        options.add(HttpFunctionOptions.MAX_IN_FLIGHT);
        options.add(HttpFunctionOptions.RETRIES);
        options.add(HttpFunctionOptions.RETRY_BACKOFF);
        options.add(HttpFunctionOptions.RETRY_BACKOFF_MAX);
        options.add(HttpFunctionOptions.ORDERING);
        options.add(HttpFunctionTableOptions.ORDERING_KEY);
        options.add(HttpFunctionTableOptions.LATENCY_TIME_COLUMN);
        options.add(HttpFunctionOptions.BASE64_PAYLOAD);
        options.add(HttpFunctionOptions.FAILURE_HANDLING);
        options.add(HttpFunctionOptions.DEAD_LETTER_PATH);
        options.add(FactoryUtil.FORMAT);
        options.add(FactoryUtil.SINK_PARALLELISM);
        return options;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        EncodingFormat<SerializationSchema<RowData>> format = TableFormats.encodingOrDefault(helper, context);
        String formatName = helper.getOptions().getOptional(FactoryUtil.FORMAT).orElse(TableFormats.DEFAULT);
        helper.validateExcept(HttpFunctionOptions.HEADERS_PREFIX);
        ReadableConfig options = helper.getOptions();

        DataType physical = context.getPhysicalRowDataType();
        FunctionSinkConfig config;
        String orderingKey;
        LatencyTimeColumn latencyColumn;
        try {
            config =
                    FunctionSinkConfig.of(
                            options,
                            headers(context.getCatalogTable().getOptions()),
                            "json".equals(formatName) ? PayloadEncoding.JSON : PayloadEncoding.TEXT,
                            context.getObjectIdentifier().getObjectName());
            orderingKey = orderingKey(options, (RowType) physical.getLogicalType());
            latencyColumn = LatencyTimeColumn.of(
                    OptionChecks.optionalString(options, HttpFunctionTableOptions.LATENCY_TIME_COLUMN),
                    (RowType) physical.getLogicalType());
            // The session's checkpointing, when it sets any; the job graph checks again with the job's.
            CheckpointBudget.check(config, context.getConfiguration());
        } catch (IllegalArgumentException e) {
            throw TableValidation.failed(e, context.getObjectIdentifier().asSummaryString());
        }
        return new HttpFunctionDynamicSink(
                physical,
                format,
                config,
                orderingKey,
                latencyColumn,
                options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
    }

    /** The {@code headers.<Name>} options by name. */
    private static Map<String, String> headers(Map<String, String> tableOptions) {
        Map<String, String> headers = new LinkedHashMap<>();
        tableOptions.forEach(
                (key, value) -> {
                    if (key.startsWith(HttpFunctionOptions.HEADERS_PREFIX)) {
                        headers.put(key.substring(HttpFunctionOptions.HEADERS_PREFIX.length()), value);
                    }
                });
        return headers;
    }

    @Nullable
    private static String orderingKey(ReadableConfig options, RowType row) {
        String key = OptionChecks.optionalString(options, HttpFunctionTableOptions.ORDERING_KEY);
        List<String> columns = row.getFieldNames();
        if (key == null) {
            if (options.get(HttpFunctionOptions.ORDERING) == Ordering.SEQUENTIAL) {
                throw OptionChecks.missing(
                        HttpFunctionTableOptions.ORDERING_KEY,
                        "the column whose records are kept in order, because option '"
                                + HttpFunctionOptions.ORDERING.key() + "' is 'sequential'; e.g. a device id or the "
                                + "topic, one of " + columns);
            }
            return null;
        }
        if (!columns.contains(key)) {
            throw OptionChecks.invalid(HttpFunctionTableOptions.ORDERING_KEY, key, "a physical column of the table, one of " + columns);
        }
        return key;
    }
}
