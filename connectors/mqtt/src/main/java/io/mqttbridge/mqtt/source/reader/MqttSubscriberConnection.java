package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The subscriber connection of one split, kept alive across broker restarts and network failures.
 *
 * <p>Every attempt uses a fresh client object for the same client id (the library keeps stale state
 * across its own reconnects). Attempts are numbered; an acknowledgement is only passed on for a
 * message of the current, connected attempt - a message of an earlier one will be redelivered by
 * the broker, and that copy is the one to acknowledge. Failed attempts and lost connections are
 * retried with exponential backoff on the shared scheduler; a refused subscription is fatal.
 */
@Internal
final class MqttSubscriberConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSubscriberConnection.class);

    private final MqttSubscriberSplit split;
    private final MqttSourceConfig config;
    private final SubscriberClientFactory clients;
    private final MessageHandover<MqttReceivedMessage> handover;
    private final ScheduledExecutorService scheduler;
    private final MqttSourceMetrics metrics;
    private final Consumer<Throwable> fatalErrorHandler;
    /** Runs the client's publish callbacks, which may block on a full handover. */
    private final ExecutorService callbackExecutor;

    private final Object lock = new Object();
    // attempt and connected: only under lock. liveAttempt: written under lock, read without it (acknowledge).
    private int attempt;
    /** The attempt whose connection is not known to be lost (-1: none); its messages may be acknowledged. */
    private volatile int liveAttempt = -1;
    private boolean connected;
    private int failedAttempt = -1;
    private boolean everConnected;
    private long backoffMs;
    private boolean closed;
    @Nullable private SubscriberClient client;

    MqttSubscriberConnection(
            MqttSubscriberSplit split,
            MqttSourceConfig config,
            SubscriberClientFactory clients,
            MessageHandover<MqttReceivedMessage> handover,
            ScheduledExecutorService scheduler,
            MqttSourceMetrics metrics,
            Consumer<Throwable> fatalErrorHandler) {
        this.split = split;
        this.config = config;
        this.clients = clients;
        this.handover = handover;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.fatalErrorHandler = fatalErrorHandler;
        this.backoffMs = config.connection().initialBackoff().toMillis();
        this.callbackExecutor =
                Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "mqtt-callback-" + split.clientId());
                    t.setDaemon(true);
                    return t;
                });
    }

    void start() {
        scheduler.execute(this::connect);
    }

    private void connect() {
        final int current;
        final SubscriberClient newClient;
        synchronized (lock) {
            if (closed) {
                return;
            }
            current = ++attempt;
            // Session messages may arrive between CONNACK and SUBACK: they are acknowledgeable at once.
            liveAttempt = current;
            try {
                newClient =
                        clients.create(
                                config,
                                split.clientId(),
                                callbackExecutor,
                                (message, acknowledge) -> onPublish(current, message, acknowledge),
                                cause -> onLost(current, cause));
            } catch (RuntimeException e) {
                // Bad TLS store and the like: no retry can fix it.
                fatalErrorHandler.accept(e);
                return;
            }
            client = newClient;
        }
        LOG.debug("MQTT connection {} to {}: attempt {}", split.clientId(), config.connection().serverUri(), current);
        newClient.connectAndSubscribe().whenComplete((ok, error) -> {
            if (error == null) {
                onConnected(current);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof SubscriberClient.SubscriptionRejectedException) {
                    fatalErrorHandler.accept(cause);
                } else {
                    onLost(current, cause);
                }
            }
        });
    }

    private void onConnected(int current) {
        synchronized (lock) {
            if (closed || current != attempt || failedAttempt == current) {
                return;
            }
            connected = true;
            backoffMs = config.connection().initialBackoff().toMillis();
            metrics.connectionUp();
            LOG.info(
                    "MQTT connection {} to {} {}, subscribed to {} with QoS {}",
                    split.clientId(),
                    config.connection().serverUri(),
                    everConnected ? "re-established" : "established",
                    config.subscriptionFilters(),
                    config.qos());
            everConnected = true;
        }
    }

    /** Called for a failed attempt and for a lost connection, possibly twice per attempt: only the first counts. */
    private void onLost(int current, Throwable cause) {
        long delay;
        SubscriberClient lostClient;
        synchronized (lock) {
            if (closed || current != attempt || failedAttempt == current) {
                return;
            }
            failedAttempt = current;
            liveAttempt = -1;
            if (connected) {
                connected = false;
                metrics.connectionDown();
            }
            delay = backoffMs;
            backoffMs = Math.min(backoffMs * 2, config.connection().maxBackoff().toMillis());
            lostClient = client;
            client = null;
            metrics.reconnect();
            LOG.warn(
                    "MQTT connection {} to {} {}: {}; reconnecting in {} ms",
                    split.clientId(),
                    config.connection().serverUri(),
                    everConnected ? "lost" : "failed",
                    ExceptionUtils.stringifyException(cause).lines().findFirst().orElse(String.valueOf(cause)),
                    delay);
        }
        if (String.valueOf(cause.getMessage()).contains("than allowed by receive maximum")) {
            // Seen with Mosquitto 2.0.11 when the window is full or a session with a backlog reconnects;
            // the client must drop such a connection, and retrying alone may loop. Tell the operator why.
            LOG.warn(
                    "The broker at {} sent client {} more unacknowledged messages than its Receive Maximum ({}). "
                            + "Seen with Mosquitto 2.0.11 when the window fills or a session with a backlog reconnects: "
                            + "use protocol-version '3.1.1', or 'receive-maximum' 65535 with more 'subscribers', "
                            + "or another broker version.",
                    config.connection().serverUri(),
                    split.clientId(),
                    config.connection().receiveMaximum());
        }
        if (lostClient != null) {
            lostClient.disconnect(); // does not block: the shared scheduler stays free for the other splits
        }
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void onPublish(int current, MqttMessage message, Runnable acknowledge) throws InterruptedException {
        metrics.messageReceived();
        MqttReceivedMessage.Ack ack = null;
        if (message.qos() > 0) {
            if (config.ackMode() == MqttOptions.AckMode.RECEIPT) {
                acknowledge(current, acknowledge);
            } else {
                ack = () -> acknowledge(current, acknowledge);
            }
        }
        handover.put(new MqttReceivedMessage(split.splitId(), message, ack));
    }

    private boolean acknowledge(int messageAttempt, Runnable acknowledge) {
        if (messageAttempt != liveAttempt) {
            // Arrived on an earlier connection: that PUBACK cannot be sent any more, the broker redelivers.
            metrics.ackIgnored();
            return false;
        }
        try {
            acknowledge.run();
            metrics.ackSent();
            return true;
        } catch (RuntimeException e) {
            // The connection went away between the check and the call: same as above.
            metrics.ackIgnored();
            return false;
        }
    }

    /**
     * Stops reconnecting at once and sends DISCONNECT without waiting for it; the future completes
     * (never exceptionally) when it is sent or failed, within {@link SubscriberClient#DISCONNECT_TIMEOUT_MS}.
     */
    CompletableFuture<Void> closeAsync() {
        SubscriberClient last;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            closed = true;
            liveAttempt = -1;
            if (connected) {
                connected = false;
                metrics.connectionDown();
            }
            last = client;
            client = null;
        }
        CompletableFuture<Void> disconnected = last == null ? CompletableFuture.completedFuture(null) : last.disconnect();
        return disconnected.whenComplete((ok, error) -> callbackExecutor.shutdownNow());
    }

    @Override
    public void close() {
        closeAsync().join();
    }

    @VisibleForTesting
    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @VisibleForTesting
    int attempts() {
        synchronized (lock) {
            return attempt;
        }
    }

    @Override
    public String toString() {
        return "MqttSubscriberConnection{" + split.clientId() + " -> " + config.connection().serverUri() + '}';
    }
}
