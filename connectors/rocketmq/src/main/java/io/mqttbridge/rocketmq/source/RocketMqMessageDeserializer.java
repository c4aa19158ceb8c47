package io.mqttbridge.rocketmq.source;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a RocketMQ message into zero or more records, on the task thread of the source reader.
 * Throwing fails the job; the source names the message (queue, offset, msg id) in the error.
 */
@PublicEvolving
public interface RocketMqMessageDeserializer<T> extends Serializable, ResultTypeQueryable<T> {

    /** Called once per reader before the first message (open formats here). */
    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    void deserialize(MessageExt message, Collector<T> out) throws IOException;

    /** The message body through a Flink {@link DeserializationSchema} (a format), nothing else. */
    static <T> RocketMqMessageDeserializer<T> body(DeserializationSchema<T> schema) {
        return new RocketMqMessageDeserializer<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public void open(DeserializationSchema.InitializationContext context) throws Exception {
                schema.open(context);
            }

            @Override
            public void deserialize(MessageExt message, Collector<T> out) throws IOException {
                schema.deserialize(message.getBody(), out);
            }

            @Override
            public TypeInformation<T> getProducedType() {
                return schema.getProducedType();
            }
        };
    }
}
