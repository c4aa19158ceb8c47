package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;

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
 * (CONNACK accepted, CONNACK refused, no connection, SUBSCRIBE refused), delivers PUBLISHes, loses
 * the connection, and records every acknowledgement that reaches it. One object is one connection
 * attempt, as with the real client, so "acked on which connection" is "acked on which object".
 *
 * <p>PUBLISHes are delivered on the calling thread (the real client uses the callback executor):
 * when {@link #deliver} returns, the message is in the handover.
 */
final class FakeSubscriberClient implements SubscriberClient {

    private final String clientId;
    private final Listener listener;
    private final Consumer<Throwable> onConnectionLost;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final List<String> acks = new ArrayList<>();
    private volatile boolean connectSent;
    private volatile boolean disconnectSent;
    private int nextPacketId = 1;

    FakeSubscriberClient(String clientId, Listener listener, Consumer<Throwable> onConnectionLost) {
        this.clientId = clientId;
        this.listener = listener;
        this.onConnectionLost = onConnectionLost;
    }

    String clientId() {
        return clientId;
    }

    // ---- the connection, as the broker and the network decide ----

    /** CONNACK success and SUBACK granted. */
    void acceptConnect() {
        connected.complete(null);
    }

    /** CONNACK with an error reason code: the real client fails the connect future. */
    void refuseConnect(String reasonCode) {
        connected.completeExceptionally(new IllegalStateException("CONNACK refused: " + reasonCode));
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
    public CompletableFuture<Void> connectAndSubscribe() {
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
