package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;

import java.io.Serializable;

/**
 * Turns an element into the message the sink publishes: topic, payload, QoS, retain flag and MQTT 5
 * properties of an {@link MqttMessage} (the received-message fields packet id, dup and receive time
 * are ignored).
 */
@PublicEvolving
@FunctionalInterface
public interface MqttMessageSerializer<IN> extends Serializable {

    /** Called once per writer before the first element. */
    default void open(SerializationSchema.InitializationContext context) throws Exception {}

    /** @throws IllegalArgumentException when the element cannot be published (e.g. no topic); fails the job */
    MqttMessage serialize(IN element);

    /**
     * When the element's data was produced, epoch milliseconds, for the synchronisation-latency
     * gauge; {@code -1} when unknown (the gauge then counts from the record's timestamp, else from
     * the moment of writing).
     */
    default long originTimeMillis(IN element) {
        return -1;
    }
}
