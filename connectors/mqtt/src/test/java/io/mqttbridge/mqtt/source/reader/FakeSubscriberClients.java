package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.configuration.Configuration;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The factory behind {@link FakeSubscriberClient}: keeps every client it created, in order, and
 * plays the broker's session store (which client ids have a session).
 */
final class FakeSubscriberClients implements SubscriberClientFactory {

    /** Upper bound on waiting for a connection attempt made on another thread; never reached when all is well. */
    private static final long AWAIT_MS = 30_000;

    private final List<FakeSubscriberClient> created = new ArrayList<>();
    private final Set<String> sessions = new HashSet<>();
    @Nullable private RuntimeException failure;

    /** Source options of the tests: shared group, client ids {@code p-<split>}, backoff 100 ms doubling up to 1 s. */
    static MqttSourceConfig config(Consumer<Configuration> overrides) {
        Configuration options = new Configuration();
        options.set(MqttOptions.SERVER_URI, "tcp://broker.invalid:1883");
        options.set(MqttOptions.TOPIC_FILTER, "a/#");
        options.set(MqttOptions.SHARED_GROUP, "g");
        options.set(MqttOptions.CLIENT_ID_PREFIX, "p");
        options.set(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(100));
        options.set(MqttOptions.RECONNECT_BACKOFF_MAX, Duration.ofSeconds(1));
        overrides.accept(options);
        return MqttSourceConfig.fromConfiguration(options);
    }

    static MqttSourceConfig config() {
        return config(options -> {});
    }

    /** The next {@link #create} throws {@code failure}, as building a client with a bad TLS store does. */
    synchronized void failNextCreate(RuntimeException failure) {
        this.failure = failure;
    }

    @Override
    public synchronized SubscriberClient create(
            MqttSourceConfig config,
            String clientId,
            Executor callbackExecutor,
            SubscriberClient.Listener listener,
            Consumer<Throwable> onConnectionLost) {
        if (failure != null) {
            RuntimeException e = failure;
            failure = null;
            throw e;
        }
        FakeSubscriberClient client = new FakeSubscriberClient(config, clientId, this, listener, onConnectionLost);
        created.add(client);
        notifyAll();
        return client;
    }

    /** Opens a session for {@code clientId}; returns whether it had one already. */
    synchronized boolean openSession(String clientId) {
        return !sessions.add(clientId);
    }

    /** The broker restarts without persistence: every session is gone. */
    synchronized void forgetSessions() {
        sessions.clear();
    }

    /** Every client created so far, oldest first. */
    synchronized List<FakeSubscriberClient> created() {
        return List.copyOf(created);
    }

    /** The clients created for {@code clientId}, oldest first. */
    synchronized List<FakeSubscriberClient> createdFor(String clientId) {
        return created.stream().filter(c -> c.clientId().equals(clientId)).collect(Collectors.toList());
    }

    /** The {@code n}-th client (0-based) once it exists: connection attempts run on the reader's own thread. */
    synchronized FakeSubscriberClient awaitClient(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (created.size() <= n) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("Client " + n + " was never created; created: " + created);
            }
            wait(left);
        }
        return created.get(n);
    }
}
