package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;

import java.util.concurrent.CompletableFuture;

/**
 * One connection attempt of a subscriber, over MQTT 5 or 3.1.1: a fresh client object, the global
 * publish callback registered before CONNECT (so session messages redelivered right after CONNACK
 * are caught), clean start false, then SUBSCRIBE. Created by a {@link SubscriberClientFactory}.
 */
@Internal
interface SubscriberClient {

    /** Receives every PUBLISH with the callback that acknowledges it (exactly once). */
    @FunctionalInterface
    interface Listener {
        void onPublish(MqttMessage message, Runnable acknowledge) throws InterruptedException;

        /** A QoS 0 message was dropped because the job fell a window behind (on a client thread). */
        default void onDropped() {}
    }

    /**
     * Completes with what the CONNACK said once connected and subscribed; fails with {@link
     * SubscriptionRejectedException}, {@link ConnectRefusedException} or the connect error.
     */
    CompletableFuture<Connected> connectAndSubscribe();

    /**
     * Sends DISCONNECT without blocking; the future completes (never exceptionally) when it is sent,
     * failed, or after {@link #DISCONNECT_TIMEOUT_MS}.
     */
    CompletableFuture<Void> disconnect();

    /** Bound on one DISCONNECT; also the bound on closing a reader's connections together. */
    long DISCONNECT_TIMEOUT_MS = 5_000;

    /**
     * What the CONNACK told about the session.
     *
     * @param sessionPresent the broker resumed a session for this client id (MQTT 5 and 3.1.1)
     * @param sessionExpirySeconds the session expiry in effect: the broker's value when its CONNACK
     *     overrides the requested one, else the requested one; -1 with MQTT 3.1.1 (the broker's own)
     */
    record Connected(boolean sessionPresent, long sessionExpirySeconds) {}

    /**
     * The broker refused the CONNECT with a reason code. Not {@link #retryable()} (client id, login,
     * authorization, protocol version) means another attempt gets the same answer.
     */
    final class ConnectRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final boolean retryable;

        ConnectRefusedException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        boolean retryable() {
            return retryable;
        }
    }

    /** The broker ended the connection because another client connected with the same client id (MQTT 5, 0x8E). */
    final class SessionTakenOverException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SessionTakenOverException(String message) {
            super(message);
        }
    }

    /** The broker refused a subscription: retrying cannot help, the job must fail with this message. */
    final class SubscriptionRejectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SubscriptionRejectedException(String message) {
            super(message);
        }
    }
}
