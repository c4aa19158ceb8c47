package io.mqttbridge.mqtt.source;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a received {@link MqttMessage} into zero or more records. Runs on the task thread of the
 * source reader. Throwing fails the job; the exception message must name the message
 * ({@link MqttMessage#describe()}) so the operator can find it.
 */
@PublicEvolving
public interface MqttMessageDeserializer<T> extends Serializable, ResultTypeQueryable<T> {

    /** Called once per reader before the first message (open formats here). */
    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    void deserialize(MqttMessage message, Collector<T> out) throws IOException;

    /**
     * Names the message in logs and errors, never with its payload: by default its topic and packet id
     * ({@link MqttMessage#describe()}); a deserializer that knows where the publisher's message id is
     * adds it.
     */
    default String describe(MqttMessage message) {
        return message.describe();
    }
}
