package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.ConnAckRefusals;
import io.mqttbridge.mqtt.HiveMqPublishDetails;
import io.mqttbridge.mqtt.MqttClientFactory;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * MQTT 3.1.1 subscriber: clean session false (the broker's own expiry applies), no Receive Maximum
 * (the broker's in-flight setting bounds unacknowledged messages), no user properties. A CONNACK
 * refusal other than "server unavailable" is not retried; a session taken over cannot be told
 * apart from another lost connection (3.1.1 has no DISCONNECT from the server).
 */
@Internal
final class Mqtt3SubscriberClient extends AbstractSubscriberClient {

    private final Mqtt3AsyncClient client;

    Mqtt3SubscriberClient(
            MqttSourceConfig config,
            String clientId,
            Executor callbackExecutor,
            Listener listener,
            Consumer<Throwable> onConnectionLost) {
        super(config, clientId);
        this.client = MqttClientFactory.mqtt3(config.connection(), clientId, reportingLossTo(onConnectionLost), CLIENT_THREADS);
        deliverTo(listener, callbackExecutor, client.toRx().publishes(MqttGlobalPublishFilter.ALL, true),
                Mqtt3SubscriberClient::toMessage, publish -> publish::acknowledge);
    }

    @Override
    public CompletableFuture<Connected> connectAndSubscribe() {
        List<Mqtt3Subscription> subscriptions =
                subscriptions((filter, qos) -> Mqtt3Subscription.builder().topicFilter(filter).qos(qos).build());
        CompletableFuture<Mqtt3ConnAck> connAck = client.connectWith()
                .cleanSession(false)
                .keepAlive(config.connection().keepAliveSeconds())
                .send();
        return subscribeOnceConnected(
                connAck,
                () -> client.subscribeWith().addSubscriptions(subscriptions).send(),
                Mqtt3SubAckException.class,
                Mqtt3SubAckException::getMqttMessage,
                (ack, subAck) -> {
                    requireGranted(config.subscriptionFilters(), subAck.getReturnCodes(), Mqtt3SubAckReturnCode::isError,
                            code -> " (MQTT 3.1.1 return code FAILURE)");
                    // 3.1.1 has no session expiry in CONNACK.
                    return new Connected(ack.isSessionPresent(), -1);
                });
    }

    @Override
    Throwable translate(Throwable cause) {
        if (cause instanceof Mqtt3ConnAckException) {
            return refusal(config, clientId, ((Mqtt3ConnAckException) cause).getMqttMessage().getReturnCode());
        }
        return cause;
    }

    /** The refusal of a CONNACK with {@code code}, e.g. "NOT_AUTHORIZED (MQTT 3.1.1 return code 5)". */
    @VisibleForTesting
    static ConnectRefusedException refusal(MqttSourceConfig config, String clientId, Mqtt3ConnAckReturnCode code) {
        return refusedConnect(
                config,
                clientId,
                code + " (MQTT 3.1.1 return code " + code.getCode() + ")",
                !ConnAckRefusals.permanent(code));
    }

    @Override
    CompletableFuture<Void> sendDisconnect() {
        return client.disconnect();
    }

    private static MqttMessage toMessage(Mqtt3Publish publish) {
        return HiveMqPublishDetails.messageBuilder(
                        publish, publish.getTopic(), publish.getPayloadAsBytes(), publish.getQos(), publish.isRetain())
                .setReceivedAtMillis(System.currentTimeMillis())
                .build();
    }
}
