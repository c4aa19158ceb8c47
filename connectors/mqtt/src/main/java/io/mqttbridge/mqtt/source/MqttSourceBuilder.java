package io.mqttbridge.mqtt.source;

import io.mqttbridge.mqtt.MqttOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Builder of {@link MqttSource}. Every setter writes an option of {@link MqttOptions} into one typed
 * {@link Configuration}; {@link #build()} validates it once into an {@link MqttSourceConfig}, the
 * same checks (and error texts) as the 'mqtt' table, naming the option at fault.
 */
@PublicEvolving
public final class MqttSourceBuilder<T> {

    private final Configuration options = new Configuration();
    private MqttMessageDeserializer<T> deserializer;

    MqttSourceBuilder() {}

    public MqttSourceBuilder<T> setServerUri(String serverUri) {
        return setOption(MqttOptions.SERVER_URI, serverUri);
    }

    /** One or more topic filters (each may also be a comma-separated list). */
    public MqttSourceBuilder<T> setTopicFilters(String... filters) {
        return setOption(MqttOptions.TOPIC_FILTER, String.join(",", filters));
    }

    public MqttSourceBuilder<T> setSharedGroup(String group) {
        return setOption(MqttOptions.SHARED_GROUP, group);
    }

    public MqttSourceBuilder<T> setSubscribers(int subscribers) {
        return setOption(MqttOptions.SUBSCRIBERS, subscribers);
    }

    public MqttSourceBuilder<T> setClientIdPrefix(String prefix) {
        return setOption(MqttOptions.CLIENT_ID_PREFIX, prefix);
    }

    public MqttSourceBuilder<T> setQos(int qos) {
        return setOption(MqttOptions.QOS, qos);
    }

    public MqttSourceBuilder<T> setAckMode(MqttOptions.AckMode ackMode) {
        return setOption(MqttOptions.ACK_MODE, ackMode);
    }

    /** Any option of {@link MqttOptions}; the table-only options of {@code MqttTableOptions} have no effect here. */
    public <V> MqttSourceBuilder<T> setOption(ConfigOption<V> option, V value) {
        options.set(option, value);
        return this;
    }

    public MqttSourceBuilder<T> setDeserializer(MqttMessageDeserializer<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** @throws IllegalArgumentException naming the missing or conflicting option and the accepted values */
    public MqttSource<T> build() {
        return new MqttSource<>(sanityCheck(), deserializer);
    }

    private MqttSourceConfig sanityCheck() {
        if (deserializer == null) {
            throw new IllegalArgumentException(
                    "No deserializer set: call setDeserializer(...) with an MqttMessageDeserializer");
        }
        MqttSourceConfig config = MqttSourceConfig.fromConfiguration(options);
        config.connection().checkTlsStores();
        return config;
    }
}
