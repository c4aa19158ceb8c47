package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.MqttMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Publishers behind the {@link MqttPublisher} seam that hold every publish until the test answers it.
 * Static state, because the factory is serializable and a writer may run in another thread.
 */
final class FakePublishers implements MqttPublisher.Factory {

    private static final long serialVersionUID = 1L;

    /** Every publisher created, in order. */
    static final List<Fake> CREATED = new CopyOnWriteArrayList<>();

    /** When set, the next connect attempts fail with these, one each. */
    static final List<Throwable> CONNECT_FAILURES = new CopyOnWriteArrayList<>();

    /** Publishes on publishers created from now on are acknowledged at once. */
    static volatile boolean autoAcknowledge;

    static void reset() {
        CREATED.clear();
        CONNECT_FAILURES.clear();
        autoAcknowledge = false;
    }

    @Override
    public MqttPublisher create(MqttSinkConfig config, String clientId, Consumer<Throwable> onConnectionLost) {
        Fake fake = new Fake(clientId, onConnectionLost, autoAcknowledge);
        CREATED.add(fake);
        return fake;
    }

    static final class Fake implements MqttPublisher {
        final String clientId;
        final Consumer<Throwable> onConnectionLost;
        final boolean acknowledgeAtOnce;
        final List<MqttMessage> published = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        Fake(String clientId, Consumer<Throwable> onConnectionLost, boolean acknowledgeAtOnce) {
            this.clientId = clientId;
            this.onConnectionLost = onConnectionLost;
            this.acknowledgeAtOnce = acknowledgeAtOnce;
        }

        @Override
        public CompletableFuture<Void> connect() {
            if (!CONNECT_FAILURES.isEmpty()) {
                return CompletableFuture.failedFuture(CONNECT_FAILURES.remove(0));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> publish(MqttMessage message) {
            published.add(message);
            CompletableFuture<Void> answer = acknowledgeAtOnce ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }

        void acknowledge(int index) {
            answers.get(index).complete(null);
        }

        /** The connection ends: the listener first, then every open publish fails, as the HiveMQ client does. */
        void loseConnection() {
            RuntimeException cause = new RuntimeException("Server closed connection without DISCONNECT.");
            onConnectionLost.accept(cause);
            for (CompletableFuture<Void> answer : answers) {
                answer.completeExceptionally(cause);
            }
        }

        List<String> topics() {
            List<String> topics = new ArrayList<>();
            published.forEach(m -> topics.add(m.topic()));
            return topics;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
