package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One publishing connection to the broker: the seam between {@link MqttSinkWriter} and the HiveMQ
 * client, so that the writer's bookkeeping can be tested with a fake. A lost connection is final:
 * the writer builds a fresh publisher for the next one (a reused client object keeps stale state).
 */
@Internal
public interface MqttPublisher {

    /**
     * Connects with a clean session. Fails with {@link PublishRefusedException} when the broker refused
     * the connection for a reason another attempt cannot change (login, authorization, client id);
     * with anything else when another attempt may succeed.
     */
    CompletableFuture<Void> connect();

    /**
     * Publishes with the message's QoS and retain flag; completes when the broker acknowledged it
     * (QoS 1: PUBACK, QoS 2: PUBCOMP) or, for QoS 0, when the client sent it. Fails with {@link
     * PublishRefusedException} when the broker refused it (a reason code of 0x80 or more); with
     * anything else when the connection was lost before the acknowledgement (then it may be sent again).
     */
    CompletableFuture<Void> publish(MqttMessage message);

    /** Sends DISCONNECT if connected and releases the client; never throws. */
    void close();

    /** Builds publishers; serializable, as it travels with the sink to the task managers. */
    @FunctionalInterface
    interface Factory extends Serializable {
        /** @param onConnectionLost called once (on a client thread) when an established connection ends */
        MqttPublisher create(MqttSinkConfig config, String clientId, Consumer<Throwable> onConnectionLost);
    }
}
