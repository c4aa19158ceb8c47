package io.mqttbridge.tests.cluster;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes {@code {"n": 1} .. {"n": count}} with QoS 1 at a steady pace on a thread of its own, as
 * a device would: each publish waits for the broker's PUBACK, so a number counts as sent only once
 * the broker has it.
 */
final class NumberPublisher implements AutoCloseable {

    private final Mqtt5BlockingClient client;
    private final String topic;
    private final long count;
    private final long pauseNanos;
    private final AtomicLong published = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    NumberPublisher(String serverUri, String topic, long count, int perSecond) {
        URI uri = URI.create(serverUri);
        this.client = MqttClient.builder().useMqttVersion5().identifier("number-publisher")
                .serverHost(uri.getHost()).serverPort(uri.getPort()).buildBlocking();
        this.topic = topic;
        this.count = count;
        this.pauseNanos = 1_000_000_000L / perSecond;
        this.thread = new Thread(this::run, "number-publisher");
    }

    void start() {
        client.connect();
        thread.start();
    }

    private void run() {
        try {
            long next = System.nanoTime();
            for (long n = 1; n <= count && !Thread.currentThread().isInterrupted(); n++) {
                client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)).send();
                published.set(n);
                next += pauseNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    /** The highest number the broker has acknowledged. */
    long published() {
        rethrow();
        return published.get();
    }

    boolean done() {
        rethrow();
        return published.get() == count;
    }

    private void rethrow() {
        if (failure.get() != null) {
            throw new AssertionError("Publishing to the MQTT broker failed after " + published.get() + " numbers", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
        if (client.getState().isConnected()) {
            client.disconnect();
        }
    }
}
