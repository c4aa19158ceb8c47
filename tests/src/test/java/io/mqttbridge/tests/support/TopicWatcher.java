package io.mqttbridge.tests.support;

import io.mqttbridge.embedded.MqttTestPublisher;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An MQTT 5 client that receives what a route publishes to a broker (QoS 1), for the suites whose
 * route ends in an mqtt sink. Subscribed once {@link #subscribe} returns: the broker keeps nothing for
 * a subscriber that is not there yet.
 */
public final class TopicWatcher implements AutoCloseable {

    private final Mqtt5BlockingClient client;
    private final Mqtt5BlockingClient.Mqtt5Publishes publishes;

    private TopicWatcher(Mqtt5BlockingClient client, Mqtt5BlockingClient.Mqtt5Publishes publishes) {
        this.client = client;
        this.publishes = publishes;
    }

    public static TopicWatcher subscribe(String serverUri, String clientId, String topicFilter) {
        Mqtt5BlockingClient client = MqttTestPublisher.clientBuilder(serverUri, clientId).buildBlocking();
        client.connect();
        TopicWatcher watcher = new TopicWatcher(client, client.publishes(MqttGlobalPublishFilter.ALL));
        try {
            client.subscribeWith().topicFilter(topicFilter).qos(MqttQos.AT_LEAST_ONCE).send();
        } catch (RuntimeException e) {
            watcher.close();
            throw e;
        }
        return watcher;
    }

    /** The next publish, or empty if none came within {@code timeout}. */
    public Optional<Mqtt5Publish> receive(Duration timeout) throws InterruptedException {
        return publishes.receive(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What a test does with each publish it receives. */
    @FunctionalInterface
    public interface OnPublish {
        void accept(Mqtt5Publish publish) throws Exception;
    }

    /**
     * Hands each publish to {@code onPublish} until {@code done} holds or {@code timeout} has passed
     * (the test then checks what arrived), calling {@code checkRunning} before each wait of at most 1 s.
     */
    public void receiveUntil(BooleanSupplier done, Duration timeout, Runnable checkRunning, OnPublish onPublish) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            checkRunning.run();
            Optional<Mqtt5Publish> next = receive(Duration.ofSeconds(1));
            if (next.isPresent()) {
                onPublish.accept(next.get());
            }
        }
    }

    /** The user properties of {@code publish} by name (the last of a repeated name). */
    public static Map<String, String> userProperties(Mqtt5Publish publish) {
        Map<String, String> properties = new HashMap<>();
        publish.getUserProperties().asList().forEach(p -> properties.put(p.getName().toString(), p.getValue().toString()));
        return properties;
    }

    @Override
    public void close() {
        publishes.close();
        client.disconnect();
    }
}
