package io.mqttbridge.mqtt.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.util.Objects;

/**
 * Sink that publishes to an MQTT broker: {@code mqtt} tables in SQL, {@link #builder()} in the
 * DataStream API. At-least-once: a checkpoint completes only after the broker acknowledged every
 * QoS 1/2 publish before it (see {@link MqttSinkWriter}). Subtask n publishes with client id {@code
 * <client-id-prefix>-pub-<n>}. The sink keeps no state: what a failed checkpoint did not cover is
 * written again by the rows Flink replays.
 */
@PublicEvolving
public final class MqttSink<IN> implements Sink<IN> {

    private static final long serialVersionUID = 1L;

    private final MqttSinkConfig config;
    private final MqttMessageSerializer<IN> serializer;
    private final MqttPublisher.Factory publishers;

    MqttSink(MqttSinkConfig config, MqttMessageSerializer<IN> serializer, MqttPublisher.Factory publishers) {
        this.config = Objects.requireNonNull(config, "config");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.publishers = Objects.requireNonNull(publishers, "publishers");
    }

    public static <IN> MqttSinkBuilder<IN> builder() {
        return new MqttSinkBuilder<>();
    }

    /** For the table factory, which has checked the config already. */
    @Internal
    public static <IN> MqttSink<IN> of(MqttSinkConfig validated, MqttMessageSerializer<IN> serializer) {
        return new MqttSink<>(validated, serializer, new HiveMqPublishers());
    }

    /** With another client behind {@link MqttPublisher}: for tests. */
    @VisibleForTesting
    static <IN> MqttSink<IN> withPublishers(
            MqttSinkConfig config, MqttMessageSerializer<IN> serializer, MqttPublisher.Factory publishers) {
        return new MqttSink<>(config, serializer, publishers);
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        return new MqttSinkWriter<>(config, serializer, publishers, context);
    }

    /** The checked settings (no secrets in its toString). */
    public MqttSinkConfig config() {
        return config;
    }
}
