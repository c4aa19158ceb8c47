package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * The MQTT publisher of every test: an MQTT 5 device on the HiveMQ client. It keeps at most the
 * broker's Receive Maximum of QoS 1/2 messages unacknowledged (HiveMQ CE announces 10): a
 * publisher that sends more is disconnected and re-sends, and subscribers see duplicates the
 * bridge did not make. Each message counts as published once the broker has acknowledged it.
 */
@PublicEvolving
public final class MqttTestPublisher implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 60;

    private final Mqtt5AsyncClient client;
    private final int receiveMaximum;
    private final Semaphore window;

    private MqttTestPublisher(Mqtt5AsyncClient client, int receiveMaximum) {
        this.client = client;
        this.receiveMaximum = receiveMaximum;
        this.window = new Semaphore(receiveMaximum);
    }

    /** Connects to {@code serverUri} ({@code tcp://host:port}) with a random client id and a clean session. */
    public static MqttTestPublisher connect(String serverUri) {
        return connect(serverUri, "test-publisher-" + UUID.randomUUID());
    }

    public static MqttTestPublisher connect(String serverUri, String clientId) {
        return connect(clientBuilder(serverUri, clientId));
    }

    /** For a client that needs more than an address, e.g. TLS and a login. */
    public static MqttTestPublisher connect(Mqtt5ClientBuilder builder) {
        Mqtt5AsyncClient client = builder.buildAsync();
        Mqtt5ConnAck connAck = await(client.connectWith().cleanStart(true).send(), "connect");
        return new MqttTestPublisher(client, connAck.getRestrictions().getReceiveMaximum());
    }

    /** An MQTT 5 client builder for {@code serverUri} ({@code tcp://host:port}). */
    public static Mqtt5ClientBuilder clientBuilder(String serverUri, String clientId) {
        URI uri = URI.create(serverUri);
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost(uri.getHost()).serverPort(uri.getPort());
    }

    /** The broker's Receive Maximum: how many QoS 1/2 messages this publisher keeps unacknowledged at most. */
    public int receiveMaximum() {
        return receiveMaximum;
    }

    /** Publishes a UTF-8 payload and waits until the broker acknowledged it (QoS 1/2). */
    public void publish(String topic, String payload, int qos) {
        publish(topic, payload, qos, p -> p);
    }

    /** As {@link #publish(String, String, int)}, with {@code extra} adding properties (user properties, content type, ...). */
    public void publish(String topic, String payload, int qos, UnaryOperator<Mqtt5PublishBuilder.Complete> extra) {
        await(publishAsync(message(topic, payload, qos, extra)), "publish to " + topic);
    }

    /**
     * Sends {@code message} and returns at once, unless the broker's window is full: then it waits
     * until an acknowledgement frees a place. The future completes when the broker acknowledged it.
     */
    public CompletableFuture<Void> publishAsync(Mqtt5Publish message) {
        boolean windowed = message.getQos() != MqttQos.AT_MOST_ONCE;
        if (windowed) {
            try {
                window.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
        }
        return client.publish(message)
                .whenComplete((result, error) -> {
                    if (windowed) {
                        window.release();
                    }
                })
                .thenAccept(result -> result.getError().ifPresent(e -> {
                    throw new IllegalStateException("The broker refused the message on " + message.getTopic() + ": " + e, e);
                }));
    }

    /** A QoS {@code qos} message with a UTF-8 payload; {@code extra} adds properties. */
    public static Mqtt5Publish message(String topic, String payload, int qos, UnaryOperator<Mqtt5PublishBuilder.Complete> extra) {
        Mqtt5PublishBuilder.Complete builder =
                Mqtt5Publish.builder().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload.getBytes(StandardCharsets.UTF_8));
        return extra.apply(builder).build();
    }

    /**
     * Publishes the numbers {@code first..last} with QoS 1 to {@code topic}, {@code payload} making
     * each message's text, as fast as the broker's window allows, and waits for every acknowledgement.
     */
    public void publishNumbered(String topic, long first, long last, LongFunction<String> payload) {
        publishNumbered(List.of(this), topic, first, last, payload);
    }

    /** As {@link #publishNumbered(String, long, long, LongFunction)}, number {@code n} sent by publisher {@code n % size}. */
    public static void publishNumbered(
            List<MqttTestPublisher> publishers, String topic, long first, long last, LongFunction<String> payload) {
        CompletableFuture<?>[] sent = new CompletableFuture<?>[(int) (last - first + 1)];
        for (long n = first; n <= last; n++) {
            MqttTestPublisher publisher = publishers.get((int) Math.floorMod(n, (long) publishers.size()));
            sent[(int) (n - first)] = publisher.publishAsync(message(topic, payload.apply(n), 1, p -> p));
        }
        await(CompletableFuture.allOf(sent), "acknowledgements of " + first + ".." + last + " on " + topic);
    }

    /**
     * Starts publishing the numbers {@code 1..count} with QoS 1 to {@code topic} on a thread of its
     * own, at about {@code perSecond} messages a second (0: as fast as the windows allow), number
     * {@code n} sent by publisher {@code n % size}. The publishers stay open; close them after the
     * sequence.
     */
    public static NumberedSequence startSequence(
            List<MqttTestPublisher> publishers, String topic, long count, int perSecond, LongFunction<String> payload) {
        return NumberedSequence.start(publishers, topic, count, perSecond, payload);
    }

    @Override
    public void close() {
        if (client.getState().isConnected()) {
            try {
                client.disconnect().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Closing is best effort: the broker drops the connection with the test anyway.
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during MQTT " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("MQTT " + what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("MQTT " + what + " not done within " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
