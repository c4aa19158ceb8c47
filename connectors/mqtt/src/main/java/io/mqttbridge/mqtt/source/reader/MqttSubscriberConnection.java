package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.MqttTls;
import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.concurrent.CompletableFuture;
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
 * retried with exponential backoff on the shared scheduler; a refused subscription is fatal, and so
 * is a CONNECT refused {@value #MAX_REFUSALS} times in a row with a reason that retrying cannot fix.
 *
 * <p>Every CONNACK is checked for the session. Where one was expected (this connection, or the
 * split's client id before the snapshot it was restored from, had connected) and the broker has
 * none, the messages the session held are gone: that is logged at ERROR and counted in {@code
 * sessionsLost}. On a restore whose snapshot held unacknowledged messages of this split it also
 * fails the job without restarts, unless 'session-lost' is 'log'. On a reconnect of a running job
 * it does not: what was emitted is still on its way to the checkpoint, and failing would lose it.
 * A session taken over by another client with the same id (MQTT 5, DISCONNECT 0x8E) is an ERROR,
 * counted in {@code sessionsTakenOver}; the connection keeps reconnecting (a failover can briefly
 * overlap an old connection), without resetting its backoff, so two clients that really share an id
 * fight at the slowest reconnect pace and keep logging it.
 */
@Internal
final class MqttSubscriberConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSubscriberConnection.class);

    /**
     * Attempts in a row refused with a reason that retrying cannot fix before the source fails. More
     * than one: a broker whose authentication backend is still starting may refuse briefly.
     */
    static final int MAX_REFUSALS = 3;

    private final MqttSubscriberSplit split;
    private final MqttSourceConfig config;
    private final SubscriberClientFactory clients;
    private final MessageHandover<MqttReceivedMessage> handover;
    private final ScheduledExecutorService scheduler;
    private final MqttSourceMetrics metrics;
    private final Consumer<String> onSessionOpened;
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
    /** Attempts refused (not retryable) since the last connection. */
    private int refusals;
    /** The last connection was ended by another client with the same id: do not reset the backoff. */
    private boolean takenOver;
    /** The last granted session expiry warned about, so that each reconnect does not repeat it. */
    private long warnedExpiry = -1;
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
            Consumer<String> onSessionOpened,
            Consumer<Throwable> fatalErrorHandler) {
        this.split = split;
        this.config = config;
        this.clients = clients;
        this.handover = handover;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.onSessionOpened = onSessionOpened;
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
                                new SubscriberClient.Listener() {
                                    @Override
                                    public void onPublish(MqttMessage message, Runnable acknowledge)
                                            throws InterruptedException {
                                        MqttSubscriberConnection.this.onPublish(current, message, acknowledge);
                                    }

                                    @Override
                                    public void onDropped() {
                                        metrics.messageDropped();
                                    }
                                },
                                cause -> onLost(current, cause));
            } catch (RuntimeException e) {
                // Bad TLS store and the like: no retry can fix it.
                fatalErrorHandler.accept(e);
                return;
            }
            client = newClient;
        }
        LOG.debug("MQTT connection {} to {}: attempt {}", split.clientId(), config.connection().serverUri(), current);
        // on the client's event-loop thread (AbstractSubscriberClient.CLIENT_THREADS), as the lost-connection listener
        newClient.connectAndSubscribe().whenComplete((connack, error) -> {
            if (error == null) {
                onConnected(current, connack);
            } else {
                Throwable cause = AbstractSubscriberClient.unwrap(error);
                if (cause instanceof SubscriberClient.SubscriptionRejectedException) {
                    fatalErrorHandler.accept(cause);
                } else {
                    onLost(current, cause);
                }
            }
        });
    }

    private void onConnected(int current, SubscriberClient.Connected connack) {
        boolean sessionExpected;
        boolean restore;
        synchronized (lock) {
            if (closed || current != attempt || failedAttempt == current) {
                return;
            }
            connected = true;
            refusals = 0;
            if (!takenOver) {
                backoffMs = config.connection().initialBackoff().toMillis();
            }
            metrics.connectionUp();
            LOG.info(
                    "MQTT connection {} to {} {}, subscribed to {} with QoS {}, session {}",
                    split.clientId(),
                    config.connection().serverUri(),
                    everConnected ? "re-established" : "established",
                    config.subscriptionFilters(),
                    config.qos(),
                    connack.sessionPresent() ? "resumed" : "new");
            sessionExpected = everConnected || split.hadSession();
            restore = !everConnected;
            everConnected = true;
        }
        onSessionOpened.accept(split.splitId());
        checkGrantedExpiry(connack.sessionExpirySeconds());
        if (sessionExpected && !connack.sessionPresent()) {
            onSessionLost(restore);
        }
    }

    /** MQTT 5 only: the broker may grant less than 'session-expiry'; a restart longer than that loses the session. */
    private void checkGrantedExpiry(long granted) {
        long requested = config.connection().sessionExpirySeconds();
        if (granted < 0 || granted >= requested || granted == warnedExpiry) {
            return;
        }
        warnedExpiry = granted;
        LOG.warn(
                "The broker at {} granted client {} a session expiry of {} s instead of the requested {} s ('session-expiry'): "
                        + "{}",
                config.connection().serverUri(),
                split.clientId(),
                granted,
                requested,
                granted == 0
                        ? "its session ends with each connection, and every reconnect or restart loses the messages it held"
                        : "a restart or outage longer than that loses the session and the messages it held");
    }

    /** The broker had no session for a client id that had one. */
    private void onSessionLost(boolean restore) {
        metrics.sessionLost();
        String expiry = config.connection().protocolVersion() == MqttOptions.ProtocolVersion.V5
                ? "'session-expiry' (" + config.connection().sessionExpirySeconds() + " s)"
                : "the broker's expiry of persistent sessions";
        String lost = "The MQTT session of client '" + split.clientId() + "' at " + config.connection().serverUri()
                + " was lost: the broker had no session for it (CONNACK session-present = 0) although it had one before. "
                + "The messages the broker held for it, unacknowledged or queued, are gone. Causes: the broker "
                + "restarted without persistence, or the client was away longer than " + expiry + ".";
        if (!restore) {
            // Running job: what was emitted is on its way to the next checkpoint; failing would lose it.
            LOG.error("{} Messages already emitted are kept; the source goes on.", lost);
        } else if (split.unacknowledged() == 0) {
            LOG.error("{} The job restored from a checkpoint at which no message of this client was unacknowledged; "
                    + "the source goes on.", lost);
        } else {
            String restored = lost + " The job restored from a checkpoint at which " + split.unacknowledged()
                    + " message(s) of this client were unacknowledged: messages emitted after that checkpoint may be lost.";
            if (config.sessionLost() == MqttOptions.SessionLostAction.LOG) {
                LOG.error("{} The source goes on ('session-lost' = 'log').", restored);
            } else {
                String message = restored + " The job fails without restarting ('session-lost' = 'fail'): to accept the loss "
                        + "and go on, resume the job from its latest checkpoint (the session exists again now), or set "
                        + "'session-lost' = 'log'.";
                LOG.error(message);
                fatalErrorHandler.accept(new SuppressRestartsException(new IllegalStateException(message)));
            }
        }
    }

    /** Called for a failed attempt and for a lost connection, possibly twice per attempt: only the first counts. */
    private void onLost(int current, Throwable cause) {
        long delay;
        SubscriberClient lostClient;
        @Nullable Throwable fatal = null;
        boolean sessionTakenOver = cause instanceof SubscriberClient.SessionTakenOverException;
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
            takenOver = sessionTakenOver;
            if (cause instanceof SubscriberClient.ConnectRefusedException
                    && !((SubscriberClient.ConnectRefusedException) cause).retryable()
                    && ++refusals >= MAX_REFUSALS) {
                fatal = new IllegalStateException(cause.getMessage() + " (refused " + refusals + " times in a row)", cause);
            }
            delay = backoffMs;
            backoffMs = Math.min(backoffMs * 2, config.connection().maxBackoff().toMillis());
            lostClient = client;
            client = null;
            if (fatal == null) {
                metrics.reconnect();
            }
        }
        if (fatal != null) {
            LOG.error("MQTT connection {} failed: {}", split.clientId(), fatal.getMessage());
        } else if (sessionTakenOver) {
            metrics.sessionTakenOver();
            LOG.error("{}; reconnecting in {} ms", cause.getMessage(), delay);
        } else {
            LOG.warn(
                    "MQTT connection {} to {} {}: {}; reconnecting in {} ms",
                    split.clientId(),
                    config.connection().serverUri(),
                    everConnected() ? "lost" : "failed",
                    ExceptionUtils.stringifyException(cause).lines().findFirst().orElse(String.valueOf(cause))
                            + MqttTls.explainHandshakeFailure(config.connection(), cause),
                    delay);
        }
        if (String.valueOf(cause.getMessage()).contains("than allowed by receive maximum")) {
            // Mosquitto 2.0.11/2.0.12 (fixed in 2.0.13): a PUBACK on a full window with a queue behind it
            // releases up to a whole window more. The client must drop such a connection, and each
            // reconnect redelivers the window, so retrying alone may loop. Tell the operator why.
            LOG.warn(
                    "The broker at {} sent client {} more unacknowledged messages than its Receive Maximum ({}). "
                            + "Mosquitto 2.0.11 and 2.0.12 do so once a connection's window is full: leave "
                            + "'receive-maximum' at its default 65535 (not sent; set the broker's max_inflight_messages 0), "
                            + "use protocol-version '3.1.1', or Mosquitto 2.0.13 or later.",
                    config.connection().serverUri(),
                    split.clientId(),
                    config.connection().receiveMaximum());
        }
        if (lostClient != null) {
            lostClient.disconnect(); // does not block: the shared scheduler stays free for the other splits
        }
        if (fatal != null) {
            fatalErrorHandler.accept(fatal);
        } else {
            scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    private boolean everConnected() {
        synchronized (lock) {
            return everConnected;
        }
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
