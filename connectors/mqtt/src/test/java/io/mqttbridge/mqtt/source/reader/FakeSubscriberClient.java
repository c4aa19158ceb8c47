package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A subscriber client that a test drives: it completes the connect attempt as the broker would
 * (CONNACK accepted with or without a session, CONNACK refused, no connection, SUBSCRIBE refused),
 * delivers PUBLISHes, loses the connection or has it taken over, and records every acknowledgement
 * that reaches it. One object is one connection
 * attempt, as with the real client, so "acked on which connection" is "acked on which object".
 *
 * <p>PUBLISHes are delivered on the calling thread (the real client uses the callback executor):
 * when {@link #deliver} returns, the message is in the handover.
 */
final class FakeSubscriberClient implements SubscriberClient {

    private final MqttSourceConfig config;
    private final String clientId;
    private final FakeSubscriberClients broker;
    private final Listener listener;
    private final Consumer<Throwable> onConnectionLost;
    private final CompletableFuture<Connected> connected = new CompletableFuture<>();
    private final List<String> acks = new ArrayList<>();
    private volatile boolean connectSent;
    private volatile boolean disconnectSent;
    private int nextPacketId = 1;

    FakeSubscriberClient(
            MqttSourceConfig config,
            String clientId,
            FakeSubscriberClients broker,
            Listener listener,
            Consumer<Throwable> onConnectionLost) {
        this.config = config;
        this.clientId = clientId;
        this.broker = broker;
        this.listener = listener;
        this.onConnectionLost = onConnectionLost;
    }

    String clientId() {
        return clientId;
    }

    // ---- the connection, as the broker and the network decide ----

    /**
     * CONNACK success and SUBACK granted, with the session present if this client id connected
     * before (and the broker has not forgotten it since), the requested expiry granted.
     */
    void acceptConnect() {
        acceptConnect(broker.openSession(clientId), config.connection().sessionExpirySeconds());
    }

    /** CONNACK success with the given session-present flag and session expiry, SUBACK granted. */
    void acceptConnect(boolean sessionPresent, long sessionExpirySeconds) {
        broker.openSession(clientId);
        connected.complete(new Connected(sessionPresent, sessionExpirySeconds));
    }

    /** CONNACK with an error reason code: the real client fails the connect future and calls the listener. */
    void refuseConnect(Mqtt5ConnAckReasonCode code) {
        ConnectRefusedException refusal = Mqtt5SubscriberClient.refusal(config, clientId, code, null);
        connected.completeExceptionally(refusal);
        onConnectionLost.accept(refusal);
    }

    /** Another client connects with this client id: the broker sends DISCONNECT 0x8E. */
    void takeOver() {
        onConnectionLost.accept(AbstractSubscriberClient.takenOver(config, clientId));
    }

    /** Nobody listens: the real client fails the connect future and also calls the disconnected listener. */
    void failConnect() {
        ConnectException cause = new ConnectException("Connection refused");
        connected.completeExceptionally(cause);
        onConnectionLost.accept(cause);
    }

    /** SUBACK with a failure code for the subscription. */
    void rejectSubscription() {
        connected.completeExceptionally(new SubscriptionRejectedException(
                "The broker refused the subscription of client '" + clientId + "' to 'a/#': NOT_AUTHORIZED"));
    }

    /** The established connection breaks (broker restart, network). */
    void loseConnection() {
        onConnectionLost.accept(new IOException("Connection lost"));
    }

    // ---- messages ----

    /** A QoS 1 PUBLISH on topic {@code a/b} whose payload is {@code payload}. */
    void deliver(String payload) throws InterruptedException {
        deliver(payload, 1, false);
    }

    /** The broker resends an unacknowledged message after a reconnect: DUP set. */
    void redeliver(String payload) throws InterruptedException {
        deliver(payload, 1, true);
    }

    void deliver(String payload, int qos, boolean dup) throws InterruptedException {
        Integer packetId = qos == 0 ? null : nextPacketId++;
        MqttMessage message = MqttMessage.builder()
                .setTopic("a/b")
                .setPayload(payload.getBytes(StandardCharsets.UTF_8))
                .setQos(qos)
                .setDup(dup)
                .setPacketId(packetId)
                .build();
        AtomicBoolean acknowledged = new AtomicBoolean();
        listener.onPublish(message, () -> {
            // The real client throws on a second acknowledgement of one message.
            if (!acknowledged.compareAndSet(false, true)) {
                throw new IllegalStateException("'" + payload + "' acknowledged twice");
            }
            synchronized (acks) {
                acks.add(payload);
            }
        });
    }

    /** Payloads of the messages acknowledged on this connection, in the order the acks were sent. */
    List<String> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    boolean connectSent() {
        return connectSent;
    }

    boolean disconnectSent() {
        return disconnectSent;
    }

    // ---- SubscriberClient ----

    @Override
    public CompletableFuture<Connected> connectAndSubscribe() {
        connectSent = true;
        return connected;
    }

    @Override
    public CompletableFuture<Void> disconnect() {
        disconnectSent = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "FakeSubscriberClient{" + clientId + '}';
    }
}
