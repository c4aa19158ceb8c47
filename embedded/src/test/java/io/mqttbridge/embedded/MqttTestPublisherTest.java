package io.mqttbridge.embedded;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Against HiveMQ CE, which announces a Receive Maximum of 10 for incoming QoS 1 messages. */
class MqttTestPublisherTest {

    @TempDir static Path folder;
    private static EmbeddedHiveMq broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedHiveMq.start(FreePorts.pick(), folder);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void honoursTheBrokersReceiveMaximum() {
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri())) {
            assertThat(publisher.receiveMaximum()).isEqualTo(10);
        }
    }

    @Test
    void severalPublishersDeliverANumberedSequenceEachNumberOnce() throws Exception {
        Mqtt5BlockingClient subscriber = MqttTestPublisher.clientBuilder(broker.serverUri(), "sequence-subscriber").buildBlocking();
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("numbers/#").qos(MqttQos.AT_LEAST_ONCE).send();
            List<MqttTestPublisher> publishers = List.of(
                    MqttTestPublisher.connect(broker.serverUri()), MqttTestPublisher.connect(broker.serverUri()),
                    MqttTestPublisher.connect(broker.serverUri()));
            try (NumberedSequence sequence = MqttTestPublisher.startSequence(publishers, "numbers/a", 500, 0, n -> "n=" + n)) {
                // 500 messages with a window of 10 per publisher: completes only if acks keep freeing the window.
                MqttTestPublisher.publishNumbered(publishers, "numbers/b", 1, 500, n -> "n=" + n);
                Map<String, Integer> seen = new HashMap<>();
                while (seen.size() < 1000) {
                    Optional<Mqtt5Publish> next = publishes.receive(60, TimeUnit.SECONDS);
                    assertThat(next).as("message %d of 1000 within 60 s", seen.size() + 1).isPresent();
                    seen.merge(next.get().getTopic() + " " + new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
                assertThat(seen).hasSize(1000).allSatisfy((message, times) -> assertThat(times).as(message).isEqualTo(1));
                assertThat(seen).containsKeys("numbers/a n=1", "numbers/a n=500", "numbers/b n=1", "numbers/b n=500");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!sequence.done() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(sequence.acknowledged()).isEqualTo(500);
                assertThat(sequence.sent()).isEqualTo(500);
            } finally {
                publishers.forEach(MqttTestPublisher::close);
            }
        } finally {
            subscriber.disconnect();
        }
    }
}
