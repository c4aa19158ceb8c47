package io.mqttbridge.embedded;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** What a subscriber of the embedded HiveMQ CE sees in the user properties, per {@link PublisherFields} mode. */
class PublisherFieldsExtensionTest {

    @TempDir Path dir;

    @Test
    void addsTheFieldsThePublisherLeftOutAndKeepsWhatItSet() throws Exception {
        try (EmbeddedHiveMq broker = start(PublisherFields.ADD_MISSING)) {
            Mqtt5BlockingClient subscriber = subscribe(broker, "fields/#");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
                    MqttTestPublisher plain = MqttTestPublisher.connect(broker.serverUri(), "plain-device");
                    MqttTestPublisher named = MqttTestPublisher.connect(
                            MqttTestPublisher.clientBuilder(broker.serverUri(), "named-device")
                                    .simpleAuth().username("fleet-7").applySimpleAuth())) {
                long before = System.currentTimeMillis();
                plain.publish("fields/a", "1", 1);
                long after = System.currentTimeMillis();
                Map<String, String> first = properties(next(publishes));
                assertThat(first).containsEntry(PublisherFieldsExtension.CLIENT_ID, "plain-device")
                        .containsEntry(PublisherFieldsExtension.CLIENT_HOST, "127.0.0.1")
                        .doesNotContainKey(PublisherFieldsExtension.USERNAME);
                assertThat(Long.parseLong(first.get(PublisherFieldsExtension.TIMESTAMP))).isBetween(before, after);
                assertThat(first.get(PublisherFieldsExtension.MESSAGE_ID)).hasSize(36);

                plain.publish("fields/b", "2", 0);
                Map<String, String> second = properties(next(publishes));
                assertThat(second.get(PublisherFieldsExtension.MESSAGE_ID)).isNotEqualTo(first.get(PublisherFieldsExtension.MESSAGE_ID));

                named.publish("fields/c", "3", 1, p -> p.userProperties().add("message-id", "m-1").add("client-id", "vin-42")
                        .add("vehicle-type", "van").applyUserProperties());
                Mqtt5Publish third = next(publishes);
                assertThat(third.getUserProperties().asList()).hasSize(6);
                assertThat(properties(third)).containsEntry("message-id", "m-1").containsEntry("client-id", "vin-42")
                        .containsEntry("vehicle-type", "van").containsEntry("username", "fleet-7")
                        .containsEntry("client-host", "127.0.0.1").containsKey("timestamp");
            } finally {
                subscriber.disconnect();
            }
        }
    }

    @Test
    void overwriteReplacesWhatThePublisherClaimed() throws Exception {
        Mqtt5Publish message = firstReceived(PublisherFields.OVERWRITE, "real-id",
                device -> device.publish("fields/x", "1", 1, p -> p.userProperties().add("client-id", "fake-id")
                        .add("username", "admin").add("message-id", "m-1").add("seq", "9").applyUserProperties()));
        Map<String, String> props = properties(message);
        assertThat(props).containsEntry("client-id", "real-id").containsEntry("seq", "9")
                .doesNotContainKey("username");
        assertThat(props.get("message-id")).isNotEqualTo("m-1");
        assertThat(message.getUserProperties().asList()).hasSize(5);
    }

    @Test
    void offLeavesMessagesAsPublished() throws Exception {
        Mqtt5Publish message = firstReceived(PublisherFields.OFF, "device", device -> device.publish("fields/x", "1", 1));
        assertThat(message.getUserProperties().asList()).isEmpty();
    }

    @Test
    void stampsTheWillOfAClientThatDropsOff() throws Exception {
        try (EmbeddedHiveMq broker = start(PublisherFields.ADD_MISSING)) {
            Mqtt5BlockingClient subscriber = subscribe(broker, "stations/+/status");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
                // The station's connection is cut without DISCONNECT, through a proxy the test closes.
                try (TcpFaultProxy proxy = TcpFaultProxy.start(broker.port())) {
                    Mqtt5BlockingClient station = MqttTestPublisher.clientBuilder(proxy.serverUri(), "station-9")
                            .simpleAuth().username("operator").applySimpleAuth()
                            .willPublish().topic("stations/station-9/status").payload("offline".getBytes(StandardCharsets.UTF_8))
                            .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish()
                            .buildBlocking();
                    station.connect();
                    proxy.cutAll();
                }
                Mqtt5Publish will = next(publishes);
                assertThat(new String(will.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("offline");
                assertThat(properties(will)).containsEntry("client-id", "station-9").containsEntry("username", "operator")
                        .containsEntry("client-host", "127.0.0.1").containsKey("message-id").doesNotContainKey("timestamp");
            } finally {
                subscriber.disconnect();
            }
        }
    }

    /** What a subscriber of fields/# receives first when {@code publish} sends from a device with {@code clientId}. */
    private Mqtt5Publish firstReceived(PublisherFields mode, String clientId, Consumer<MqttTestPublisher> publish) throws Exception {
        try (EmbeddedHiveMq broker = start(mode)) {
            Mqtt5BlockingClient subscriber = subscribe(broker, "fields/#");
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
                    MqttTestPublisher device = MqttTestPublisher.connect(broker.serverUri(), clientId)) {
                publish.accept(device);
                return next(publishes);
            } finally {
                subscriber.disconnect();
            }
        }
    }

    private EmbeddedHiveMq start(PublisherFields mode) throws Exception {
        return EmbeddedHiveMq.start(FreePorts.pick(), dir, EmbeddedHiveMq.MAX_QUEUE_SIZE, mode);
    }

    private static Mqtt5BlockingClient subscribe(EmbeddedHiveMq broker, String filter) {
        Mqtt5BlockingClient subscriber = MqttTestPublisher.clientBuilder(broker.serverUri(), "fields-subscriber").buildBlocking();
        subscriber.connect();
        subscriber.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        return subscriber;
    }

    private static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> next = publishes.receive(60, TimeUnit.SECONDS);
        assertThat(next).as("a message within 60 s").isPresent();
        return next.get();
    }

    private static Map<String, String> properties(Mqtt5Publish publish) {
        Map<String, String> props = new HashMap<>();
        publish.getUserProperties().asList().forEach(u -> props.put(u.getName().toString(), u.getValue().toString()));
        return props;
    }
}
