package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.apache.flink.runtime.execution.SuppressRestartsException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs the subscriber connections of one reader (one per assigned split) and hands their messages
 * to the fetcher thread. {@link #fetch()} blocks until messages arrive, a timeout passes or
 * {@link #wakeUp()} is called; a fatal connection error (e.g. a refused subscription) is rethrown
 * here, on the fetcher thread, and fails the job with its message.
 */
@Internal
public final class MqttSplitReader implements SplitReader<MqttReceivedMessage, MqttSubscriberSplit> {

    /** Messages handed over per fetch; bounds the latency of a checkpoint barrier behind them. */
    static final int MAX_BATCH = 1_000;

    /** Queue between the client callbacks and the fetcher; a full queue blocks the callbacks. */
    static final int HANDOVER_CAPACITY = 10_000;

    private static final long FETCH_TIMEOUT_MS = 1_000;

    private final MqttSourceConfig config;
    private final MqttSourceMetrics metrics;
    private final SubscriberClientFactory clients;
    private final MessageHandover<MqttReceivedMessage> handover = new MessageHandover<>(HANDOVER_CAPACITY);
    private final ScheduledExecutorService scheduler;
    /** Connections by split id; only the fetcher thread touches this map. */
    private final Map<String, MqttSubscriberConnection> connections = new LinkedHashMap<>();
    private final AtomicReference<Throwable> fatalError = new AtomicReference<>();
    private final Consumer<String> onConnected;

    /** {@code onConnected} is told the split id of every connection that got a CONNACK, from a client thread. */
    MqttSplitReader(
            MqttSourceConfig config, MqttSourceMetrics metrics, SubscriberClientFactory clients, Consumer<String> onConnected) {
        this(config, metrics, clients, onConnected, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-connect-" + config.clientIdPrefix());
            t.setDaemon(true);
            return t;
        }));
    }

    /** {@code scheduler} runs connection attempts and backoff delays; it is shut down on {@link #close}. */
    @VisibleForTesting
    MqttSplitReader(
            MqttSourceConfig config,
            MqttSourceMetrics metrics,
            SubscriberClientFactory clients,
            Consumer<String> onConnected,
            ScheduledExecutorService scheduler) {
        this.config = config;
        this.metrics = metrics;
        this.clients = clients;
        this.onConnected = onConnected;
        this.scheduler = scheduler;
    }

    @Override
    public RecordsWithSplitIds<MqttReceivedMessage> fetch() throws IOException {
        rethrowFatalError();
        List<MqttReceivedMessage> batch;
        try {
            batch = handover.poll(MAX_BATCH, FETCH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for MQTT messages", e);
        }
        rethrowFatalError();
        RecordsBySplits.Builder<MqttReceivedMessage> records = new RecordsBySplits.Builder<>();
        for (MqttReceivedMessage message : batch) {
            records.add(message.splitId(), message);
        }
        return records.build();
    }

    private void rethrowFatalError() throws IOException {
        Throwable error = fatalError.get();
        if (error != null) {
            // A SuppressRestartsException (kept in the cause chain, where Flink looks for it) says only
            // "Unrecoverable failure": the message is its cause's.
            Throwable named = error instanceof SuppressRestartsException && error.getCause() != null ? error.getCause() : error;
            throw new IOException("MQTT source failed: " + named.getMessage(), error);
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<MqttSubscriberSplit> splitsChanges) {
        // flink-connector-base has two kinds of change: additions and removals.
        if (splitsChanges instanceof SplitsRemoval) {
            removeSplits(splitsChanges.splits());
        } else {
            addSplits(splitsChanges.splits());
        }
    }

    private void addSplits(List<MqttSubscriberSplit> splits) {
        for (MqttSubscriberSplit split : splits) {
            MqttSubscriberConnection connection =
                    new MqttSubscriberConnection(
                            split, config, clients, handover, scheduler, metrics, onConnected, this::onFatalError);
            connections.put(split.splitId(), connection);
            connection.start();
        }
    }

    /**
     * Disconnects the removed splits' subscribers. Their sessions stay at the broker, so what they
     * had not acknowledged is redelivered to whichever reader connects with that client id next.
     */
    private void removeSplits(List<MqttSubscriberSplit> splits) {
        for (MqttSubscriberSplit split : splits) {
            MqttSubscriberConnection connection = connections.remove(split.splitId());
            if (connection != null) {
                // Stops its reconnects now; the DISCONNECT completes in the background.
                connection.closeAsync();
            }
        }
    }

    @VisibleForTesting
    Set<String> connectedSplitIds() {
        return connections.keySet();
    }

    @VisibleForTesting
    Map<String, MqttSubscriberConnection> connections() {
        return connections;
    }

    private void onFatalError(Throwable error) {
        if (fatalError.compareAndSet(null, error)) {
            handover.wakeUp();
        }
    }

    @Override
    public void wakeUp() {
        handover.wakeUp();
    }

    @Override
    public void close() throws Exception {
        // Unblock callbacks first, so that disconnecting does not wait behind a full queue.
        handover.close();
        // All DISCONNECTs go out at once and are awaited together, under one bound (not one per connection).
        CompletableFuture<?>[] disconnected =
                connections.values().stream().map(MqttSubscriberConnection::closeAsync).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(disconnected).get(SubscriberClient.DISCONNECT_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Each disconnect is bounded itself; the sessions keep what is unacknowledged anyway.
        }
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
}
