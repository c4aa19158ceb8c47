package io.mqttbridge.rocketmq.table;

import io.mqttbridge.rocketmq.RocketMqOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Factory of the {@code 'rocketmq'} table: {@code CREATE TABLE rmq (...) WITH ('connector' =
 * 'rocketmq', 'name-server' = ..., 'topic' = ...)}. Sink side here; the source side reads the same
 * options ({@link RocketMqOptions}). Every value is checked when the route is planned; errors name
 * the option and what it accepts.
 */
@Internal
public final class RocketMqDynamicTableFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "rocketmq";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(RocketMqOptions.NAME_SERVER);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(RocketMqOptions.TOPIC);
        options.add(RocketMqOptions.TAG);
        options.add(RocketMqOptions.ACCESS_KEY);
        options.add(RocketMqOptions.SECRET_KEY);
        options.add(RocketMqOptions.PRODUCER_GROUP);
        options.add(RocketMqOptions.SEND_TIMEOUT);
        options.add(RocketMqOptions.RETRIES);
        options.add(RocketMqOptions.LATENCY_TIME_COLUMN);
        options.add(RocketMqOptions.CONSUMER_GROUP);
        options.add(RocketMqOptions.STARTUP_MODE);
        options.add(RocketMqOptions.STARTUP_TIMESTAMP);
        options.add(RocketMqOptions.TAG_FILTER);
        options.add(FactoryUtil.FORMAT);
        options.add(FactoryUtil.SINK_PARALLELISM);
        return options;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        throw new ValidationException("The 'rocketmq' sink is not built yet");
    }
}
