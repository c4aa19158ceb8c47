package io.mqttbridge.function.table;

import io.mqttbridge.function.FunctionOptions;
import io.mqttbridge.function.FunctionOptions.Ordering;
import io.mqttbridge.function.FunctionSinkConfig;
import io.mqttbridge.function.FunctionSinkConfig.PayloadEncoding;

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
 * <p>Accepts the options of {@link FunctionOptions}, {@code headers.<Name>}, {@code format}
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
        return Set.of(FunctionOptions.URL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(FunctionOptions.METHOD);
        options.add(FunctionOptions.REQUEST_TIMEOUT);
        options.add(FunctionOptions.CONNECT_TIMEOUT);
        options.add(FunctionOptions.MAX_MESSAGES);
        options.add(FunctionOptions.MAX_WAIT);
        options.add(FunctionOptions.MAX_IN_FLIGHT);
        options.add(FunctionOptions.RETRIES);
        options.add(FunctionOptions.RETRY_BACKOFF);
        options.add(FunctionOptions.RETRY_BACKOFF_MAX);
        options.add(FunctionOptions.ORDERING);
        options.add(FunctionOptions.ORDERING_KEY);
        options.add(FunctionOptions.BASE64_PAYLOAD);
        options.add(FunctionOptions.FAILURE_HANDLING);
        options.add(FunctionOptions.DEAD_LETTER_PATH);
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
        helper.validateExcept(FunctionOptions.HEADERS_PREFIX);
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
        String key = options.getOptional(FunctionOptions.ORDERING_KEY).orElse(null);
        if (key == null) {
            if (options.get(FunctionOptions.ORDERING) == Ordering.SEQUENTIAL) {
                throw new ValidationException(
                        "Option '" + FunctionOptions.ORDERING.key() + "' = 'sequential' requires '"
                                + FunctionOptions.ORDERING_KEY.key() + "': the column whose records are kept "
                                + "in order, e.g. a device id or the topic. Columns: " + row.getFieldNames());
            }
            return null;
        }
        List<String> columns = row.getFieldNames();
        if (!columns.contains(key)) {
            throw new ValidationException(
                    "Invalid value for option '" + FunctionOptions.ORDERING_KEY.key() + "': '" + key
                            + "' is not a physical column of the table. Columns: " + columns);
        }
        return key;
    }
}
