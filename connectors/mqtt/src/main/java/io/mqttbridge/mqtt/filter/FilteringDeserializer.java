package io.mqttbridge.mqtt.filter;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.io.IOException;

/**
 * Tests each message against a {@link MessageFilter} before the wrapped deserializer sees it: a
 * message that does not pass is never decoded and produces no record. The source still files its
 * acknowledgement with the next checkpoint, as for any handled message, so it is not redelivered;
 * it is counted in {@value #MESSAGES_FILTERED} (on the source's {@code deserializer} metric group).
 */
@Internal
public final class FilteringDeserializer<T> implements MqttMessageDeserializer<T> {

    private static final long serialVersionUID = 1L;

    public static final String MESSAGES_FILTERED = "messagesFiltered";

    private final MessageFilter filter;
    private final MqttMessageDeserializer<T> decoder;

    private transient Counter filtered;

    private FilteringDeserializer(MessageFilter filter, MqttMessageDeserializer<T> decoder) {
        this.filter = filter;
        this.decoder = decoder;
    }

    /** {@code decoder} itself when there is no filter. */
    public static <T> MqttMessageDeserializer<T> wrap(MessageFilter filter, MqttMessageDeserializer<T> decoder) {
        return filter == null ? decoder : new FilteringDeserializer<>(filter, decoder);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        filtered = context.getMetricGroup().counter(MESSAGES_FILTERED);
        decoder.open(context);
    }

    @Override
    public void deserialize(MqttMessage message, Collector<T> out) throws IOException {
        if (filter.accepts(message)) {
            decoder.deserialize(message, out);
        } else {
            filtered.inc();
        }
    }

    @Override
    public String describe(MqttMessage message) {
        return decoder.describe(message);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return decoder.getProducedType();
    }

    @VisibleForTesting
    public MessageFilter filter() {
        return filter;
    }
}
