package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.annotation.Internal;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Creates the client of one connection attempt. The seam between the connection logic (attempts,
 * backoff, which acknowledgements may still be sent) and the MQTT library: unit tests put a fake
 * client here.
 */
@Internal
@FunctionalInterface
interface SubscriberClientFactory {

    /** The HiveMQ client, MQTT 5 or 3.1.1 as configured. */
    SubscriberClientFactory HIVEMQ =
            (config, clientId, callbackExecutor, listener, onConnectionLost) ->
                    config.connection().protocolVersion() == MqttOptions.ProtocolVersion.V3_1_1
                            ? new Mqtt3SubscriberClient(config, clientId, callbackExecutor, listener, onConnectionLost)
                            : new Mqtt5SubscriberClient(config, clientId, callbackExecutor, listener, onConnectionLost);

    /**
     * A fresh, unconnected client for {@code clientId}.
     *
     * @param callbackExecutor runs {@code listener} for every PUBLISH (it may block on a full handover)
     * @param onConnectionLost called with the cause when the connection (or a connect attempt) is lost
     */
    SubscriberClient create(
            MqttSourceConfig config,
            String clientId,
            Executor callbackExecutor,
            SubscriberClient.Listener listener,
            Consumer<Throwable> onConnectionLost);
}
