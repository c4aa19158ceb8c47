package io.mqttbridge.httpfunction.table;

import io.mqttbridge.httpfunction.HttpFunctionOptions;
import io.mqttbridge.httpfunction.HttpFunctionOptions.Ordering;
import io.mqttbridge.httpfunction.sink.FunctionSinkConfig;
import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Factory of the {@code 'http-function'} table: {@code CREATE TABLE fn (...) WITH ('connector' =
 * 'http-function', 'url' = ...)}, then {@code INSERT INTO fn SELECT ... FROM mqtt_t WHERE ...}.
 *
 * <p>Accepts the options of {@link HttpFunctionOptions}, {@code headers.<Name>}, {@code format}
 * (default {@code json}) with its options and {@code sink.parallelism}. Every value is checked when
 * the route is planned; errors name the option and what it accepts.
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
        options.add(HttpFunctionOptions.ORDERING_KEY);
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
        EncodingFormat<SerializationSchema<RowData>> format =
                helper.discoverOptionalEncodingFormat(SerializationFormatFactory.class, FactoryUtil.FORMAT)
                        .orElse(null);
        String formatName = helper.getOptions().getOptional(FactoryUtil.FORMAT).orElse("json");
        if (format == null) {
            format =
                    FactoryUtil.discoverFactory(context.getClassLoader(), SerializationFormatFactory.class, "json")
                            .createEncodingFormat(context, new Configuration());
        }
        helper.validateExcept(HttpFunctionOptions.HEADERS_PREFIX);
        ReadableConfig options = helper.getOptions();

        FunctionSinkConfig config;
        try {
            config =
                    FunctionSinkConfig.of(
                            context.getCatalogTable().getOptions(),
                            "json".equals(formatName) ? PayloadEncoding.JSON : PayloadEncoding.TEXT,
                            context.getObjectIdentifier().getObjectName());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage() + " (table " + context.getObjectIdentifier().asSummaryString() + ")", e);
        }
        DataType physical = context.getPhysicalRowDataType();
        String orderingKey = orderingKey(options, (RowType) physical.getLogicalType());
        return new HttpFunctionDynamicSink(
                physical, format, config, orderingKey, options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
    }

    private static String orderingKey(ReadableConfig options, RowType row) {
        String key = options.getOptional(HttpFunctionOptions.ORDERING_KEY).orElse(null);
        if (key == null) {
            if (options.get(HttpFunctionOptions.ORDERING) == Ordering.SEQUENTIAL) {
                throw new ValidationException(
                        "Option '" + HttpFunctionOptions.ORDERING.key() + "' = 'sequential' requires '"
                                + HttpFunctionOptions.ORDERING_KEY.key() + "': the column whose records are kept "
                                + "in order, e.g. a device id or the topic. Columns: " + row.getFieldNames());
            }
            return null;
        }
        List<String> columns = row.getFieldNames();
        if (!columns.contains(key)) {
            throw new ValidationException(
                    "Invalid value for option '" + HttpFunctionOptions.ORDERING_KEY.key() + "': '" + key
                            + "' is not a physical column of the table. Columns: " + columns);
        }
        return key;
    }
}
