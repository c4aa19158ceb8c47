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
    }

    /** Completes when connected and subscribed; fails with {@link SubscriptionRejectedException} or the connect error. */
    CompletableFuture<Void> connectAndSubscribe();

    /**
     * Sends DISCONNECT without blocking; the future completes (never exceptionally) when it is sent,
     * failed, or after {@link #DISCONNECT_TIMEOUT_MS}.
     */
    CompletableFuture<Void> disconnect();

    /** Bound on one DISCONNECT; also the bound on closing a reader's connections together. */
    long DISCONNECT_TIMEOUT_MS = 5_000;

    /** The broker refused a subscription: retrying cannot help, the job must fail with this message. */
    final class SubscriptionRejectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SubscriptionRejectedException(String message) {
            super(message);
        }
    }
}
