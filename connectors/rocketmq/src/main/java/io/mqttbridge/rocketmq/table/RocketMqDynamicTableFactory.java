package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.options.DeclaredOptions;
import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.connector.table.TableFormats;
import io.mqttbridge.connector.table.TableValidation;
import io.mqttbridge.rocketmq.RocketMqOptions;
import io.mqttbridge.rocketmq.sink.RocketMqSinkConfig;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Factory of the {@code 'rocketmq'} table: {@code CREATE TABLE rmq (...) WITH ('connector' =
 * 'rocketmq', 'name-server' = ..., 'topic' = ...)}, as a sink and as a source; both read the same
 * options ({@link RocketMqOptions}). Accepts {@code properties.<setting>} (RocketMQ client setters),
 * {@code format} (default {@code json}) with its options and {@code sink.parallelism}. Every value is
 * checked when the route is planned; errors name the option and what it accepts.
 */
@Internal
public final class RocketMqDynamicTableFactory implements DynamicTableSinkFactory, DynamicTableSourceFactory {

    public static final String IDENTIFIER = "rocketmq";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(RocketMqOptions.NAME_SERVER);
    }

    /** Every option of {@link RocketMqOptions} but 'name-server', Flink's 'format', 'scan.parallelism' and 'sink.parallelism'. */
    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>(DeclaredOptions.in(RocketMqOptions.class));
        options.remove(RocketMqOptions.NAME_SERVER);
        options.add(FactoryUtil.SOURCE_PARALLELISM);
        options.add(FactoryUtil.FORMAT);
        options.add(FactoryUtil.SINK_PARALLELISM);
        return options;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        EncodingFormat<SerializationSchema<RowData>> format = TableFormats.encodingOrDefault(helper, context);
        helper.validateExcept(RocketMqOptions.PROPERTIES_PREFIX);
        ReadableConfig options = helper.getOptions();
        String table = context.getObjectIdentifier().asSummaryString();
        RocketMqSinkConfig config;
        try {
            config = RocketMqSinkConfig.of(options, RocketMqOptions.clientProperties(context.getCatalogTable().getOptions()));
        } catch (IllegalArgumentException e) {
            throw TableValidation.failed(e, table);
        }
        return new RocketMqDynamicSink(
                context.getPhysicalRowDataType(),
                format,
                config,
                OptionChecks.optionalString(options, RocketMqOptions.LATENCY_TIME_COLUMN),
                options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null),
                table);
    }

    /** The source side: a FLIP-27 source over the topic's message queues (see RocketMqSource). */
    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        DecodingFormat<DeserializationSchema<RowData>> format = TableFormats.decodingOrDefault(helper, context);
        helper.validateExcept(RocketMqOptions.PROPERTIES_PREFIX);
        ReadableConfig options = helper.getOptions();
        RocketMqSourceConfig config;
        try {
            config = RocketMqSourceConfig.of(options, RocketMqOptions.clientProperties(context.getCatalogTable().getOptions()));
        } catch (IllegalArgumentException e) {
            throw TableValidation.failed(e, context.getObjectIdentifier().asSummaryString());
        }
        return new RocketMqDynamicSource(
                context.getPhysicalRowDataType(), format, config, options.getOptional(FactoryUtil.SOURCE_PARALLELISM).orElse(null));
    }
}
