package io.mqttbridge.mqtt.sink;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.SessionTakenOver;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the elements of one subtask on one connection with the stable client id {@code
 * <prefix>-pub-<subtask>}.
 *
 * <p>At least once: every publish stays in {@link OutstandingPublishes} until the broker acknowledges
 * it, and {@link #flush} (called at each checkpoint barrier and at the end of input) returns only when
 * nothing is outstanding, so a checkpoint completes only after the broker has every row before it. A
 * connection that is lost is replaced by a fresh one after a backoff (reconnect.initial-backoff
 * doubling up to reconnect.max-backoff), and what it had not acknowledged is sent again, in the
 * original order, before anything new. A publish the broker refuses fails the checkpoint (the job
 * restarts from the last completed one and the rows are written again). While the broker is
 * unreachable the writer keeps trying and holds the task (backpressure), so a checkpoint then fails by
 * its timeout, never by dropping rows.
 *
 * <p>A connection the broker ends because another client connected with the same client id (MQTT 5,
 * DISCONNECT 0x8E) is not replaced: two writers with one id would take it from each other in a loop. It
 * is logged at ERROR, counted in {@code mqtt.sessionsTakenOver}, and fails the writer: the next write or
 * flush throws, naming the id, what causes it and the fix.
 *
 * <p>All client calls are made on the task thread; client threads only report outcomes.
 */
@Internal
final class MqttSinkWriter<IN> implements SinkWriter<IN> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSinkWriter.class);

    /** How long the task thread waits for outcomes before it looks at the connection again. */
    private static final long POLL_MILLIS = 100;

    private final MqttSinkConfig config;
    private final MqttMessageSerializer<IN> serializer;
    private final MqttPublisher.Factory publishers;
    private final String clientId;
    private final OutstandingPublishes outstanding = new OutstandingPublishes();
    private final MqttSinkMetrics metrics;

    @Nullable private MqttPublisher publisher;
    /** Numbers the connections, so that a late outcome from an earlier one is recognised. */
    private volatile int connection;
    /** Set by a client thread when the current connection ends. */
    private volatile boolean connectionLost;
    /** Set by a client thread when another client took this writer's session over: the writer's failure. */
    @Nullable private volatile IllegalStateException takenOver;

    MqttSinkWriter(
            MqttSinkConfig config,
            MqttMessageSerializer<IN> serializer,
            MqttPublisher.Factory publishers,
            WriterInitContext context) throws IOException {
        this(config, serializer, publishers, context.getTaskInfo().getIndexOfThisSubtask(), context.metricGroup());
        try {
            serializer.open(context.asSerializationSchemaInitializationContext());
        } catch (Exception e) {
            throw new IOException("Could not open the serializer of the mqtt sink", e);
        }
    }

    /** Without opening the serializer: for tests. */
    @VisibleForTesting
    MqttSinkWriter(
            MqttSinkConfig config,
            MqttMessageSerializer<IN> serializer,
            MqttPublisher.Factory publishers,
            int subtask,
            SinkWriterMetricGroup metricGroup) {
        this.config = config;
        this.serializer = serializer;
        this.publishers = publishers;
        this.clientId = config.clientId(subtask);
        this.metrics = new MqttSinkMetrics(metricGroup, outstanding::size);
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        throwIfFailed();
        MqttMessage message = serializer.serialize(element);
        ensureConnected();
        // The synchronisation latency counts from the row's origin (a table's latency-time-column),
        // else the record's timestamp (DataStream jobs, rowtime attributes), else now: the publish round trip.
        long origin = LatencyTimeColumn.originOrElse(
                serializer.originTimeMillis(element), context.timestamp(), System.currentTimeMillis());
        send(outstanding.create(message, origin));
        while (outstanding.size() >= config.maxInFlight()) {
            outstanding.awaitBelow(config.maxInFlight(), POLL_MILLIS);
            throwIfFailed();
            ensureConnected();
        }
    }

    /** Returns when the broker has acknowledged every publish written so far; throws when one was refused. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        while (true) {
            throwIfFailed();
            ensureConnected();
            if (outstanding.size() == 0) {
                return;
            }
            outstanding.awaitBelow(1, POLL_MILLIS);
        }
    }

    /** Sends on the current connection; the outcome is recorded by a client thread. */
    private void send(OutstandingPublishes.Publish publish) {
        int on = connection;
        outstanding.sending(publish, on);
        CompletableFuture<Void> result;
        try {
            result = publisher.publish(publish.message);
        } catch (RuntimeException e) {
            // e.g. the client found itself disconnected: the connection is gone, send it again on the next
            outstanding.lost(publish.sequence, on);
            return;
        }
        result.whenComplete((ok, error) -> {
            if (error == null) {
                OutstandingPublishes.Publish acked = outstanding.acknowledged(publish.sequence, on);
                if (acked != null) {
                    metrics.acknowledged(acked.eventTime, System.currentTimeMillis());
                }
                return;
            }
            Throwable cause = error.getCause() != null && !(error instanceof PublishRefusedException) ? error.getCause() : error;
            if (cause instanceof PublishRefusedException) {
                PublishRefusedException named = new PublishRefusedException(
                        "publishing to topic '" + publish.message.topic() + "' failed: " + cause.getMessage());
                if (outstanding.refused(publish.sequence, on, named) != null) {
                    metrics.failed();
                    LOG.error("mqtt sink {}: {}", clientId, named.getMessage());
                }
            } else {
                outstanding.lost(publish.sequence, on);
            }
        });
    }

    private void throwIfFailed() throws IOException {
        IllegalStateException lostToAnother = takenOver;
        if (lostToAnother != null) {
            throw new IOException(lostToAnother.getMessage(), lostToAnother);
        }
        Throwable failure = outstanding.failure();
        if (failure != null) {
            throw new IOException("The mqtt sink (client '" + clientId + "') could not publish a row: " + failure.getMessage()
                    + ". The checkpoint fails and the job restarts from the last completed checkpoint; rows after it are"
                    + " published again, none is dropped.", failure);
        }
    }

    /**
     * Makes sure there is a live connection and that everything lost with an earlier one is sent again on
     * it, oldest first. Blocks, retrying with backoff, while the broker is unreachable.
     */
    private void ensureConnected() throws IOException, InterruptedException {
        while (publisher == null || connectionLost || outstanding.hasToResend()) {
            throwIfFailed(); // a session taken over is not to be taken back
            if (publisher != null && (connectionLost || outstanding.hasToResend())) {
                // A fresh client for the next connection: the old one may keep stale state.
                LOG.warn("mqtt sink {}: the connection to {} was lost; reconnecting, {} publish(es) to send again",
                        clientId, config.connection().serverUri(), outstanding.size());
                publisher.close();
                publisher = null;
                metrics.connected(false);
                metrics.reconnect();
                outstanding.connectionLost();
            }
            if (publisher == null) {
                connect();
            }
            List<OutstandingPublishes.Publish> resend = outstanding.takeToResend();
            if (!resend.isEmpty()) {
                metrics.resent(resend.size());
                for (OutstandingPublishes.Publish publish : resend) {
                    send(publish);
                }
            }
        }
    }

    private void connect() throws IOException, InterruptedException {
        Duration backoff = config.connection().initialBackoff();
        long timeoutMs = 2 * config.connection().connectTimeout().toMillis() + 5_000;
        for (int attempt = 1; ; attempt++) {
            connection++;
            connectionLost = false;
            int thisConnection = connection;
            MqttPublisher candidate = publishers.create(config, clientId, cause -> onConnectionLost(thisConnection, cause));
            try {
                candidate.connect().get(timeoutMs, TimeUnit.MILLISECONDS);
                publisher = candidate;
                metrics.connected(true);
                if (attempt > 1) {
                    LOG.info("mqtt sink {}: connected to {} after {} attempts", clientId, config.connection().serverUri(), attempt);
                }
                return;
            } catch (ExecutionException | TimeoutException e) {
                candidate.close();
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof PublishRefusedException) {
                    throw new IOException(cause.getMessage(), cause);
                }
                LOG.warn("mqtt sink {}: connecting to {} failed (attempt {}), next attempt in {} ms: {}",
                        clientId, config.connection().serverUri(), attempt, backoff.toMillis(), cause.toString());
                metrics.reconnect();
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(config.connection().maxBackoff()) > 0) {
                    backoff = config.connection().maxBackoff();
                }
            }
        }
    }

    private void onConnectionLost(int lostConnection, @Nullable Throwable cause) {
        if (lostConnection == connection) {
            if (cause != null && SessionTakenOver.isCause(cause)) {
                IllegalStateException failure = new IllegalStateException(takenOverMessage());
                metrics.sessionTakenOver();
                LOG.error("mqtt sink: {}", failure.getMessage());
                takenOver = failure;
            }
            connectionLost = true;
            LOG.debug("mqtt sink {}: connection {} ended: {}", clientId, lostConnection, cause == null ? "-" : cause.toString());
            outstanding.wakeUp();
        }
    }

    /** What the failure says: the id, who else uses it and how to give each writer its own. */
    private String takenOverMessage() {
        return SessionTakenOver.describe(config.connection(), clientId,
                "another writer publishes with the same client id - two INSERTs into one mqtt table (the routes runner"
                        + " refuses them, the SQL client and SQL Gateway do not), two jobs with the same routes or the same"
                        + " 'client-id-prefix', or an old instance of this job that still runs. Two writers with one id take"
                        + " the connection from each other in a loop, so this writer fails instead of reconnecting; rows not"
                        + " acknowledged are published again after the restart. Fix: write each mqtt table from one INSERT"
                        + " (UNION ALL the queries), or give each INSERT or job its own 'client-id-prefix' (on an INSERT: "
                        + "/*+ OPTIONS('client-id-prefix'='...') */), and stop old instances of the job");
    }

    @VisibleForTesting
    String clientId() {
        return clientId;
    }

    @VisibleForTesting
    int outstanding() {
        return outstanding.size();
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
        int left = outstanding.size();
        if (left > 0) {
            // Not acknowledged and not covered by a checkpoint: the restart writes them again.
            LOG.info("mqtt sink {}: closed with {} publish(es) not acknowledged; a restart publishes them again", clientId, left);
        }
    }
}
