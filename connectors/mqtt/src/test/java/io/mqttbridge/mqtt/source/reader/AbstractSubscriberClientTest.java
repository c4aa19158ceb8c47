package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.mqtt.MqttClientFactory;
import io.mqttbridge.mqtt.MqttConnectionConfig;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.reactivex.BackpressureStrategy;
import io.reactivex.Flowable;
import io.reactivex.FlowableEmitter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class AbstractSubscriberClientTest {

    private final ExecutorService callbackThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        callbackThread.shutdownNow();
    }

    /**
     * What the client sees: its flow is asked for everything at once, so it never waits for the
     * callback thread to ask for more (with the callback blocked or not), and nothing it hands over is
     * lost or reordered.
     */
    @Test
    void theClientsFlowIsAskedForEverythingAtOnceAndAWindowOfPublishesWaitsWhileTheCallbackIsBlocked() throws Exception {
        int receiveMaximum = 1_000;
        AtomicReference<FlowableEmitter<Integer>> client = new AtomicReference<>();
        AtomicBoolean block = new AtomicBoolean();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> delivered = Collections.synchronizedList(new ArrayList<>());

        AbstractSubscriberClient.deliverOn(
                Flowable.create(client::set, BackpressureStrategy.ERROR), receiveMaximum, callbackThread, () -> {}, publish -> {
                    if (block.get()) {
                        blocked.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    delivered.add(publish);
                });
        assertThat(client.get().requested()).isEqualTo(Long.MAX_VALUE);
        int n = 0;
        while (n < 3 * receiveMaximum) { // the callback takes these as they come; no more than a window waits
            client.get().onNext(n++);
            if (n % (receiveMaximum / 2) == 0) {
                int sent = n;
                awaitTrue(() -> delivered.size() == sent);
            }
        }

        block.set(true);
        client.get().onNext(n++);
        assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
        for (int inFlight = 1; inFlight < receiveMaximum; inFlight++) {
            client.get().onNext(n++);
        }
        assertThat(client.get().requested()).as("asked for with a window waiting").isEqualTo(Long.MAX_VALUE);

        release.countDown();
        int total = n;
        awaitTrue(() -> delivered.size() == total);
        assertThat(delivered).hasSize(total).isSorted().doesNotHaveDuplicates();
    }

    /**
     * With {@link AbstractSubscriberClient#CLIENT_THREADS}, a message reaches the buffer on the client's own
     * event-loop thread: no thread of RxJava's in between, whose buffer of 128 could fill.
     */
    @Test
    void theClientHandsEachMessageToTheBufferOnItsOwnThread(@TempDir Path folder) throws Exception {
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(FreePorts.pick(), folder);
                MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri())) {
            Configuration options = new Configuration();
            options.set(MqttOptions.SERVER_URI, broker.serverUri());
            Mqtt5AsyncClient client = MqttClientFactory.mqtt5(
                    MqttConnectionConfig.fromConfiguration(options), "threads", context -> {}, AbstractSubscriberClient.CLIENT_THREADS);
            Set<String> handingOver = ConcurrentHashMap.newKeySet();
            List<String> delivered = Collections.synchronizedList(new ArrayList<>());
            AbstractSubscriberClient.deliverOn(
                    client.toRx().publishes(MqttGlobalPublishFilter.ALL, true)
                            .doOnNext(publish -> handingOver.add(Thread.currentThread().getName())),
                    100,
                    callbackThread,
                    () -> {},
                    (Mqtt5Publish publish) -> {
                        delivered.add(new String(publish.getPayloadAsBytes()));
                        publish.acknowledge();
                    });
            client.connect().get(30, TimeUnit.SECONDS);
            try {
                client.subscribeWith().topicFilter("t/#").qos(MqttQos.AT_LEAST_ONCE).send().get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 500; i++) {
                    publisher.publish("t/" + i, Integer.toString(i), 1);
                }
                awaitTrue(() -> delivered.size() == 500);
            } finally {
                client.disconnect().get(30, TimeUnit.SECONDS); // also when the wait fails: no client left behind
            }

            assertThat(delivered).hasSize(500).startsWith("0", "1", "2").endsWith("499");
            assertThat(handingOver).isNotEmpty().allSatisfy(thread -> assertThat(thread).startsWith("com.hivemq.client.mqtt-"));
        }
    }

    /**
     * QoS 0 has no window: when the job falls behind, what arrives beyond the buffer is dropped, oldest
     * first, and counted. Every message the broker sent is either received by the source or counted in
     * {@code messagesDropped}; none vanishes unaccounted.
     */
    @Test
    void qos0MessagesBeyondTheBufferAreDroppedAndEachIsCounted(@TempDir Path folder) throws Exception {
        int published = 2_000;
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(FreePorts.pick(), folder);
                MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri())) {
            MqttSourceConfig config = FakeSubscriberClients.config(options -> {
                options.set(MqttOptions.SERVER_URI, broker.serverUri());
                options.set(MqttOptions.QOS, 0);
                options.set(MqttOptions.RECEIVE_MAXIMUM, 50);
            });
            MqttSourceMetrics metrics = new MqttSourceMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup(), () -> 0);
            MessageHandover<MqttReceivedMessage> handover = new MessageHandover<>(10); // nobody takes from it yet
            CountDownLatch subscribed = new CountDownLatch(1);
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            MqttSubscriberConnection connection = new MqttSubscriberConnection(
                    MqttSubscriberSplit.of("p", 0), config, SubscriberClientFactory.HIVEMQ, handover, scheduler, metrics,
                    split -> subscribed.countDown(), error -> {});
            List<String> received = new ArrayList<>();
            try {
                connection.start();
                assertThat(subscribed.await(30, TimeUnit.SECONDS)).isTrue();
                publisher.publishNumbered("a/dropped", 1, published, Long::toString);
                awaitTrue(() -> metrics.messagesDropped() > 0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (received.size() + metrics.messagesDropped() < published && System.nanoTime() < deadline) {
                    handover.poll(100, 50, TimeUnit.MILLISECONDS)
                            .forEach(m -> received.add(new String(m.message().payload(), StandardCharsets.UTF_8)));
                }
            } finally {
                connection.close();
                scheduler.shutdownNow();
            }

            assertThat(metrics.messagesDropped()).isPositive();
            assertThat(received.size() + metrics.messagesDropped()).isEqualTo(published);
            assertThat(received).doesNotHaveDuplicates().endsWith(Integer.toString(published)); // oldest dropped first
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
