package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.SessionTakenOver;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedListener;
import org.apache.flink.annotation.Internal;

import io.reactivex.BackpressureOverflowStrategy;
import io.reactivex.Flowable;
import io.reactivex.schedulers.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the MQTT 5 and 3.1.1 subscribers do alike: hand a PUBLISH to the listener, report a lost
 * connection, subscribe once connected, name a refused subscription, a refused CONNECT and a session
 * taken over, and disconnect. The client, CONNECT, SUBSCRIBE and the message fields stay in the two
 * subclasses: the HiveMQ client's 3 and 5 types share no interface for them.
 */
@Internal
abstract class AbstractSubscriberClient implements SubscriberClient {

    final MqttSourceConfig config;
    final String clientId;

    AbstractSubscriberClient(MqttSourceConfig config, String clientId) {
        this.config = config;
        this.clientId = clientId;
    }

    /**
     * The subscribers' client threads: the client hands each message of a flow over on its own
     * event-loop thread (trampoline), into the buffer of {@link #deliverOn}.
     *
     * <p>Why: the client's {@code publishes} flows always pass through an {@code observeOn} of its
     * application scheduler with a buffer of 128 (RxJava's default). On its default scheduler (RxJava's
     * computation threads, 2 on this kind of machine, shared by every connection of the JVM) that buffer
     * fills in one network read of a busy connection, and while it is full the client walks its whole
     * queue of unacknowledged QoS 1/2 messages for each message that arrives: under ack-mode checkpoint
     * a checkpoint interval's worth, thousands (docs/benchmarks.md, "Latency and the checkpoint"). The
     * client also completes its futures there: what follows a CONNACK then runs on the event loop, as
     * the lost-connection listener always did, and must not block.
     */
    static final MqttClientExecutorConfig CLIENT_THREADS =
            MqttClientExecutorConfig.builder().applicationScheduler(Schedulers.trampoline()).build();

    /**
     * Hands each of the client's {@code publishes} to {@code onPublish} on {@code executor}, through a
     * buffer of up to {@code receiveMaximum} messages that asks the client for all of them at once.
     *
     * <p>Why all at once: a buffer that asks for more as the callback takes messages (RxJava's {@code
     * observeOn}) asks on the callback thread, and with {@link #CLIENT_THREADS} that thread then also
     * moves the client's messages for as long as it asks. While the callback thread waits for a CPU, the
     * client's buffer of 128 fills behind it, and the client walks its queue again. Asked for everything,
     * the client's buffer empties on the client's own thread. The broker sends no more than Receive
     * Maximum unacknowledged QoS 1/2 messages (and the client refuses more), and a message in this
     * buffer is not acknowledged yet, so no QoS 1/2 message ever finds it full; QoS 0 messages beyond it
     * are dropped, oldest first, as the client itself does when its flow cannot take them, and each drop
     * runs {@code onDropped} (the {@code messagesDropped} metric). Memory grows with what is buffered, a
     * reference per message.
     */
    static <P> void deliverOn(
            Flowable<P> publishes, int receiveMaximum, Executor executor, Runnable onDropped, Consumer<P> onPublish) {
        publishes
                .onBackpressureBuffer(receiveMaximum, onDropped::run, BackpressureOverflowStrategy.DROP_OLDEST)
                .observeOn(Schedulers.from(executor), true)
                // The flow ends only with the client; a lost connection is reported by the disconnected listener.
                .subscribe(onPublish::accept, error -> {});
    }

    /**
     * Hands every PUBLISH of the client's flow to {@code listener} on {@code executor} (see {@link
     * #deliverOn}), as an {@link MqttMessage} with the callback that acknowledges it.
     */
    final <P> void deliverTo(
            Listener listener,
            Executor executor,
            Flowable<P> publishes,
            Function<P, MqttMessage> toMessage,
            Function<P, Runnable> acknowledgement) {
        deliverOn(publishes, config.connection().receiveMaximum(), executor, listener::onDropped, publish -> {
            try {
                listener.onPublish(toMessage.apply(publish), acknowledgement.apply(publish));
            } catch (InterruptedException e) {
                // Only when the reader closes: the message was not acknowledged, the broker redelivers it.
                Thread.currentThread().interrupt();
            }
        });
    }

    /** For the client's disconnected listener: the cause of a lost connection, translated (see {@link #translate}). */
    MqttClientDisconnectedListener reportingLossTo(Consumer<Throwable> onConnectionLost) {
        return context -> onConnectionLost.accept(translate(context.getCause()));
    }

    /**
     * Sends the SUBSCRIBE once {@code connAck} came, and completes with what {@code connected} makes of
     * the CONNACK and the SUBACK (it checks the SUBACK, see {@link #requireGranted}); a failure is
     * translated (see {@link #translatingFailures}).
     *
     * @param subAckException what the client fails the SUBSCRIBE with when the broker refused a filter
     * @param subAckOf the SUBACK that exception carries
     */
    <C, S, X extends Throwable> CompletableFuture<Connected> subscribeOnceConnected(
            CompletableFuture<C> connAck,
            Supplier<CompletableFuture<S>> subscribe,
            Class<X> subAckException,
            Function<X, S> subAckOf,
            BiFunction<C, S, Connected> connected) {
        return translatingFailures(connAck
                .thenCompose(ignored -> subAckEvenIfRefused(subscribe.get(), subAckException, subAckOf))
                // join: completed, the SUBSCRIBE followed it
                .thenApply(subAck -> connected.apply(connAck.join(), subAck)));
    }

    /**
     * The SUBACK of {@code sent}, also when the broker refused a filter: the client (1.4) then fails
     * the future with its SubAck exception, which carries the SUBACK whose codes name the filter.
     * Any other failure (a lost connection) is passed on, to be retried.
     */
    private static <S, X extends Throwable> CompletableFuture<S> subAckEvenIfRefused(
            CompletableFuture<S> sent, Class<X> subAckException, Function<X, S> subAckOf) {
        return sent.handle((subAck, error) -> {
            if (error == null) {
                return subAck;
            }
            Throwable cause = unwrap(error);
            if (subAckException.isInstance(cause)) {
                return subAckOf.apply(subAckException.cast(cause));
            }
            throw new CompletionException(cause);
        });
    }

    /** One subscription per configured filter ({@code $share/...} included), all with the configured QoS. */
    <S> List<S> subscriptions(BiFunction<String, MqttQos, S> subscription) {
        MqttQos qos = MqttQos.fromCode(config.qos());
        List<S> result = new ArrayList<>(config.subscriptionFilters().size());
        for (String filter : config.subscriptionFilters()) {
            result.add(subscription.apply(filter, qos));
        }
        return result;
    }

    /**
     * Throws {@link #rejected} for the first filter the SUBACK refused: {@code codes} come in the order of
     * {@code filters}; {@code reason} gives the text after the filter for a refused code.
     */
    <C> void requireGranted(List<String> filters, List<C> codes, Predicate<C> refused, Function<C, String> reason) {
        for (int i = 0; i < codes.size(); i++) {
            if (refused.test(codes.get(i))) {
                throw rejected(filters.get(i), reason.apply(codes.get(i)));
            }
        }
    }

    /** {@code reason} follows the filter, e.g. {@code ": NOT_AUTHORIZED"}. */
    SubscriptionRejectedException rejected(String filter, String reason) {
        return new SubscriptionRejectedException(
                "The broker at " + config.connection().serverUri() + " refused the subscription of client '"
                        + clientId + "' to '" + filter + "'" + reason
                        + ". Check 'topic-filter', 'shared-group', 'qos' and the broker's ACL.");
    }

    /** {@code error} without the CompletionException around it. */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * The cause of a failed attempt or lost connection as the connection logic classifies it: a
     * CONNACK refusal becomes a {@link ConnectRefusedException}, a DISCONNECT 0x8E a {@link
     * SessionTakenOverException}; anything else is returned as it is. Applied on both paths the
     * client reports a failure on (the connect future and the disconnected listener), so that
     * whichever comes first is classified alike.
     */
    abstract Throwable translate(Throwable cause);

    /** {@code connecting}, with its failure translated (see {@link #translate}). */
    <T> CompletableFuture<T> translatingFailures(CompletableFuture<T> connecting) {
        return connecting.handle((result, error) -> {
            if (error != null) {
                throw new CompletionException(translate(unwrap(error)));
            }
            return result;
        });
    }

    /** {@code reason} names the reason code, e.g. {@code "NOT_AUTHORIZED (0x87)"}. */
    static ConnectRefusedException refusedConnect(MqttSourceConfig config, String clientId, String reason, boolean retryable) {
        return new ConnectRefusedException(
                "The broker at " + config.connection().serverUri() + " refused the connection of client '" + clientId
                        + "': " + reason
                        + (retryable
                                ? ""
                                : ". Retrying cannot fix this: check 'username', 'password', 'client-id-prefix', "
                                        + "'protocol-version' and the broker's authentication and authorization settings"),
                retryable);
    }

    static SessionTakenOverException takenOver(MqttSourceConfig config, String clientId) {
        return new SessionTakenOverException(SessionTakenOver.describe(config.connection(), clientId,
                "two tables or jobs share the client id (the same "
                        + "'client-id-prefix', or two scans of one table that the planner did not merge), or an old "
                        + "instance of this job still runs. While both run they take the session from each other, and each receives part "
                        + "of the other's messages; give each source its own 'client-id-prefix'"));
    }

    /** Sends DISCONNECT; returns its completion. */
    abstract CompletableFuture<Void> sendDisconnect();

    @Override
    public final CompletableFuture<Void> disconnect() {
        CompletableFuture<Void> sent;
        try {
            sent = sendDisconnect();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        // Already disconnected, or the broker is gone: the persistent session keeps what is unacknowledged.
        return sent.<Void>handle((ok, error) -> null)
                .orTimeout(DISCONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .exceptionally(timeout -> null);
    }
}
