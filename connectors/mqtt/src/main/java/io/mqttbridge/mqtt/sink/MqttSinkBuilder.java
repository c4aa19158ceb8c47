package io.mqttbridge.mqtt.sink;

import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.mqtt.MqttOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.util.Objects;

/**
 * Builds an {@link MqttSink}: {@code server-uri}, {@code client-id-prefix} and a serializer are
 * required; every other option of {@link MqttOptions} (connection, TLS) and {@link MqttSinkOptions}
 * can be set with {@link #setOption}, but for the table-only {@code latency-time-column} (here the
 * serializer's {@code originTimeMillis} gives the origin). {@link #build()} checks them as the table does.
 */
@PublicEvolving
public final class MqttSinkBuilder<IN> {

    private final Configuration options = new Configuration();
    private MqttMessageSerializer<IN> serializer;

    MqttSinkBuilder() {}

    public MqttSinkBuilder<IN> setServerUri(String serverUri) {
        return setOption(MqttOptions.SERVER_URI, serverUri);
    }

    public MqttSinkBuilder<IN> setClientIdPrefix(String prefix) {
        return setOption(MqttOptions.CLIENT_ID_PREFIX, prefix);
    }

    /** QoS of every publish: 0, 1 (default) or 2. */
    public MqttSinkBuilder<IN> setQos(int qos) {
        return setOption(MqttOptions.QOS, qos);
    }

    public <V> MqttSinkBuilder<IN> setOption(ConfigOption<V> option, V value) {
        options.set(option, value);
        return this;
    }

    public MqttSinkBuilder<IN> setSerializer(MqttMessageSerializer<IN> serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        return this;
    }

    /** @throws IllegalArgumentException naming the option and the accepted values */
    public MqttSink<IN> build() {
        if (serializer == null) {
            throw new IllegalArgumentException("No serializer: call setSerializer(...) before build()");
        }
        if (options.contains(MqttSinkOptions.LATENCY_TIME_COLUMN)) {
            // It names a column of a table; a DataStream job has rows of its own type.
            throw OptionChecks.invalid(MqttSinkOptions.LATENCY_TIME_COLUMN, options.get(MqttSinkOptions.LATENCY_TIME_COLUMN),
                    "no value outside an mqtt table: a DataStream job gives each element's origin time from its "
                            + "MqttMessageSerializer.originTimeMillis");
        }
        MqttSinkConfig config = MqttSinkConfig.fromConfiguration(options);
        config.connection().checkTlsStores();
        return MqttSink.of(config, serializer);
    }
}
