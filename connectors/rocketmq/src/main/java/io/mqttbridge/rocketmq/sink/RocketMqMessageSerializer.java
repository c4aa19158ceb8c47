package io.mqttbridge.rocketmq.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;

import org.apache.rocketmq.common.message.Message;

import java.io.Serializable;

/**
 * Turns an element into the RocketMQ message the sink sends. A message without topic goes to the
 * sink's {@code topic}; one without tag gets the sink's {@code tag}. User properties are best set
 * with {@link MessageProperties#put}, which refuses the names RocketMQ reserves.
 */
@PublicEvolving
public interface RocketMqMessageSerializer<IN> extends Serializable {

    /** Called once per writer before the first element. */
    default void open(SerializationSchema.InitializationContext context) throws Exception {}

    Message serialize(IN element);

    /**
     * When the element's data was produced, epoch milliseconds, for the synchronisation-latency
     * gauge; {@code -1} when unknown (the gauge then measures from the moment of sending).
     */
    default long originTimeMillis(IN element) {
        return -1;
    }
}
