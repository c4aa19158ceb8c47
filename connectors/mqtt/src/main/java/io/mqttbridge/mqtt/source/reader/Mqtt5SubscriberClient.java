package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.ConnAckRefusals;
import io.mqttbridge.mqtt.HiveMqPublishDetails;
import io.mqttbridge.mqtt.MqttClientFactory;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.SessionTakenOver;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;

import javax.annotation.Nullable;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * MQTT 5 subscriber: session expiry and Receive Maximum from the options. CONNACK reason codes
 * that another attempt cannot change (client id, login, authorization, ban, protocol) are refusals
 * not to retry; the rest (server busy or unavailable, quota or connection rate exceeded, ...) are retried.
 */
@Internal
final class Mqtt5SubscriberClient extends AbstractSubscriberClient {

    private final Mqtt5AsyncClient client;

    Mqtt5SubscriberClient(
            MqttSourceConfig config,
            String clientId,
            Executor callbackExecutor,
            Listener listener,
            Consumer<Throwable> onConnectionLost) {
        super(config, clientId);
        this.client = MqttClientFactory.mqtt5(config.connection(), clientId, reportingLossTo(onConnectionLost), CLIENT_THREADS);
        deliverTo(listener, callbackExecutor, client.toRx().publishes(MqttGlobalPublishFilter.ALL, true),
                Mqtt5SubscriberClient::toMessage, publish -> publish::acknowledge);
    }

    @Override
    public CompletableFuture<Connected> connectAndSubscribe() {
        var connection = config.connection();
        // Retained messages only for a subscription the session does not hold yet, so that the SUBSCRIBE
        // of a reconnect or restart does not bring them again; none for a shared subscription, as MQTT 5.0
        // 3.3.1.3 has it, though Mosquitto 2.0 sends them to every new member (one copy per member).
        List<Mqtt5Subscription> subscriptions = subscriptions((filter, qos) -> Mqtt5Subscription.builder()
                .topicFilter(filter).qos(qos).retainHandling(filter.startsWith("$share/")
                        ? Mqtt5RetainHandling.DO_NOT_SEND : Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).build());
        CompletableFuture<Mqtt5ConnAck> connAck = client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(connection.sessionExpirySeconds())
                .keepAlive(connection.keepAliveSeconds())
                .restrictions()
                .receiveMaximum(connection.receiveMaximum())
                .maximumPacketSize(connection.maximumPacketSize())
                .applyRestrictions()
                .send();
        return subscribeOnceConnected(
                connAck,
                () -> client.subscribeWith().addSubscriptions(subscriptions).send(),
                Mqtt5SubAckException.class,
                Mqtt5SubAckException::getMqttMessage,
                (ack, subAck) -> {
                    requireGranted(config.subscriptionFilters(), subAck.getReasonCodes(), Mqtt5SubAckReasonCode::isError,
                            code -> ": " + code + subAck.getReasonString().map(r -> " (" + r + ")").orElse(""));
                    return new Connected(
                            ack.isSessionPresent(),
                            ack.getSessionExpiryInterval().orElse(connection.sessionExpirySeconds()));
                });
    }

    @Override
    Throwable translate(Throwable cause) {
        if (cause instanceof Mqtt5ConnAckException) {
            Mqtt5ConnAck connAck = ((Mqtt5ConnAckException) cause).getMqttMessage();
            return refusal(config, clientId, connAck.getReasonCode(), connAck.getReasonString().map(Object::toString).orElse(null));
        }
        if (SessionTakenOver.isCause(cause)) {
            return takenOver(config, clientId);
        }
        return cause;
    }

    /** The refusal of a CONNACK with {@code code}, e.g. "NOT_AUTHORIZED (0x87, reason string)". */
    @VisibleForTesting
    static ConnectRefusedException refusal(
            MqttSourceConfig config, String clientId, Mqtt5ConnAckReasonCode code, @Nullable String reasonString) {
        return refusedConnect(
                config,
                clientId,
                code + " (0x" + Integer.toHexString(code.getCode()).toUpperCase(Locale.ROOT)
                        + (reasonString == null ? "" : ", " + reasonString) + ")",
                !ConnAckRefusals.permanent(code));
    }

    @Override
    CompletableFuture<Void> sendDisconnect() {
        return client.disconnect();
    }

    private static MqttMessage toMessage(Mqtt5Publish publish) {
        List<? extends Mqtt5UserProperty> list = publish.getUserProperties().asList();
        Map<String, String> properties = list.isEmpty() ? Collections.emptyMap() : new LinkedHashMap<>();
        for (Mqtt5UserProperty p : list) {
            properties.put(p.getName().toString(), p.getValue().toString());
        }
        return HiveMqPublishDetails.messageBuilder(
                        publish, publish.getTopic(), publish.getPayloadAsBytes(), publish.getQos(), publish.isRetain())
                .adoptUserProperties(properties)
                .setContentType(publish.getContentType().map(Object::toString).orElse(null))
                .setResponseTopic(publish.getResponseTopic().map(Object::toString).orElse(null))
                .setCorrelationData(publish.getCorrelationData().map(Mqtt5SubscriberClient::bytes).orElse(null))
                .setMessageExpirySeconds(
                        publish.getMessageExpiryInterval().isPresent() ? publish.getMessageExpiryInterval().getAsLong() : null)
                .setReceivedAtMillis(System.currentTimeMillis())
                .build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
