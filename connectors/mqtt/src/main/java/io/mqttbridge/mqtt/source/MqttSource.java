package io.mqttbridge.mqtt.source;

import io.mqttbridge.connector.source.ReaderDeserializationContext;
import io.mqttbridge.mqtt.source.enumerator.MqttSourceEnumState;
import io.mqttbridge.mqtt.source.enumerator.MqttSourceEnumStateSerializer;
import io.mqttbridge.mqtt.source.enumerator.MqttSourceEnumerator;
import io.mqttbridge.mqtt.source.reader.MqttSourceReader;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.Objects;

/**
 * FLIP-27 source over MQTT: one split per subscriber connection, shared subscriptions,
 * persistent sessions, acknowledgement after the covering checkpoint. Build with {@link #builder()}.
 */
@PublicEvolving
public final class MqttSource<T>
        implements Source<T, MqttSubscriberSplit, MqttSourceEnumState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final MqttSourceConfig config;
    private final MqttMessageDeserializer<T> deserializer;

    MqttSource(MqttSourceConfig config, MqttMessageDeserializer<T> deserializer) {
        this.config = config;
        this.deserializer = deserializer;
    }

    public static <T> MqttSourceBuilder<T> builder() {
        return new MqttSourceBuilder<>();
    }

    /** For the 'mqtt' table, whose factory already validated the options (and opened the TLS stores). */
    @Internal
    public static <T> MqttSource<T> of(MqttSourceConfig validated, MqttMessageDeserializer<T> deserializer) {
        return new MqttSource<>(Objects.requireNonNull(validated, "config"), Objects.requireNonNull(deserializer, "deserializer"));
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, MqttSubscriberSplit> createReader(SourceReaderContext context) throws Exception {
        // Here and not at plan time: only a running job knows the configuration it was really given.
        CheckpointingRequiredException.check(config, context);
        deserializer.open(new ReaderDeserializationContext(context));
        return new MqttSourceReader<>(config, deserializer, context);
    }

    @Override
    public SplitEnumerator<MqttSubscriberSplit, MqttSourceEnumState> createEnumerator(
            SplitEnumeratorContext<MqttSubscriberSplit> context) {
        return new MqttSourceEnumerator(context, config.clientIdPrefix(), config.subscribers(), null);
    }

    @Override
    public SplitEnumerator<MqttSubscriberSplit, MqttSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<MqttSubscriberSplit> context, MqttSourceEnumState state) {
        return new MqttSourceEnumerator(context, config.clientIdPrefix(), config.subscribers(), state);
    }

    @Override
    public SimpleVersionedSerializer<MqttSubscriberSplit> getSplitSerializer() {
        return MqttSubscriberSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<MqttSourceEnumState> getEnumeratorCheckpointSerializer() {
        return MqttSourceEnumStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    @VisibleForTesting
    public MqttSourceConfig config() {
        return config;
    }
}
