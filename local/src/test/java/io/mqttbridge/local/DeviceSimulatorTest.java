package io.mqttbridge.local;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.PublisherFields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceSimulatorTest {

    @Test
    void publishesBatteryReportsWithUserPropertiesOverEmbeddedHiveMq(@TempDir Path dir) throws Exception {
        int port = FreePorts.pick();
        // As on the local stack: the broker adds the publisher fields the simulator does not set.
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(port, dir, EmbeddedHiveMq.MAX_QUEUE_SIZE, PublisherFields.ADD_MISSING)) {
            Mqtt5BlockingClient subscriber = MqttTestPublisher.clientBuilder(broker.serverUri(), "sim-test").buildBlocking();
            subscriber.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
                subscriber.subscribeWith().topicFilter("vehicles/+/battery").qos(MqttQos.AT_LEAST_ONCE).send();

                ObjectMapper json = new ObjectMapper();
                Set<String> messageIds = new HashSet<>();
                Map<String, Long> lastSeq = new HashMap<>();
                int received = 0;
                try (DeviceSimulator simulator = DeviceSimulator.start(URI.create(broker.serverUri()), 3, 100)) {
                    while (received < 30) {
                        Optional<Mqtt5Publish> next = publishes.receive(60, TimeUnit.SECONDS);
                        assertThat(next).as("message %d within 60 s", received + 1).isPresent();
                        Mqtt5Publish p = next.get();
                        received++;

                        assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
                        JsonNode value = json.readTree(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
                        String vehicle = value.path("vehicle").asText();
                        assertThat(vehicle).isIn("v-001", "v-002", "v-003");
                        assertThat(p.getTopic().toString()).isEqualTo("vehicles/" + vehicle + "/battery");
                        assertThat(value.path("soc").asDouble()).isBetween(0.0, 100.0);
                        assertThat(p.getContentType()).map(Object::toString).contains("application/json");

                        Map<String, String> props = new HashMap<>();
                        p.getUserProperties().asList().forEach(u -> props.put(u.getName().toString(), u.getValue().toString()));
                        // the simulator's own client-id property is kept; user name and host come from the broker
                        assertThat(props).containsEntry("client-id", "sim-" + vehicle);
                        assertThat(props).containsEntry("username", DeviceSimulator.USERNAME);
                        assertThat(props).containsEntry("client-host", "127.0.0.1");
                        assertThat(props).containsEntry("timestamp", value.path("ts").asText());
                        assertThat(props.get("vehicle-type")).isIn("car", "van", "scooter");
                        assertThat(messageIds.add(props.get("message-id"))).as("message-id unique").isTrue();
                        long seq = Long.parseLong(props.get("seq"));
                        // One connection, QoS 1, no shared group: each vehicle's reports arrive in order.
                        assertThat(seq).isEqualTo(lastSeq.getOrDefault(vehicle, 0L) + 1);
                        lastSeq.put(vehicle, seq);
                    }
                    // 30 arrived, so the broker acknowledged at least 30; its PUBACKs may trail a moment.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (simulator.published() < 30 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(simulator.published()).isGreaterThanOrEqualTo(30);
                    assertThat(simulator.failed()).isZero();
                }
                assertThat(lastSeq).containsOnlyKeys("v-001", "v-002", "v-003");
            } finally {
                subscriber.disconnect();
            }
        }
    }

    /**
     * The charging stations: one drops off per outage interval and the broker publishes its will
     * (station id in topic, payload and user property); each comes back; commands on a device's topic
     * reach the vehicle or the station it names.
     */
    @Test
    void stationsDropOffWithTheirWillAndDevicesReceiveTheirCommands(@TempDir Path dir) throws Exception {
        int port = FreePorts.pick();
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(port, dir, EmbeddedHiveMq.MAX_QUEUE_SIZE, PublisherFields.ADD_MISSING)) {
            Mqtt5BlockingClient subscriber = MqttTestPublisher.clientBuilder(broker.serverUri(), "will-watcher").buildBlocking();
            subscriber.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes wills = subscriber.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
                    MqttTestPublisher commands = MqttTestPublisher.connect(broker.serverUri())) {
                subscriber.subscribeWith().topicFilter("stations/+/will").qos(MqttQos.AT_LEAST_ONCE).send();
                ObjectMapper json = new ObjectMapper();
                try (DeviceSimulator simulator =
                        DeviceSimulator.start(URI.create(broker.serverUri()), 2, 1, 2, Duration.ofSeconds(1))) {
                    // Two stations in turn: cs-001, cs-002, then cs-001 again after it came back.
                    for (String expected : new String[] {"cs-001", "cs-002", "cs-001"}) {
                        Optional<Mqtt5Publish> will = wills.receive(60, TimeUnit.SECONDS);
                        assertThat(will).as("the will of %s within 60 s", expected).isPresent();
                        assertThat(will.get().getTopic().toString()).isEqualTo("stations/" + expected + "/will");
                        JsonNode value = json.readTree(new String(will.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
                        assertThat(value.path("station").asText()).isEqualTo(expected);
                        assertThat(value.path("status").asText()).isEqualTo("offline");
                        assertThat(will.get().getUserProperties().asList())
                                .anyMatch(u -> u.getName().toString().equals("station-id") && u.getValue().toString().equals(expected));
                    }
                    assertThat(simulator.stations().outages()).isGreaterThanOrEqualTo(3);

                    commands.publish("devices/v-002/commands", "{\"command\":\"unlock\"}", 1);
                    commands.publish("devices/cs-002/commands", "{\"command\":\"reset\"}", 1);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while ((simulator.commandsReceived() < 1 || simulator.stations().commandsReceived() < 1)
                            && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    // Each reached its device once: the vehicles' connection ignores the station's command.
                    assertThat(simulator.commandsReceived()).isEqualTo(1);
                    assertThat(simulator.stations().commandsReceived()).isEqualTo(1);
                }
            } finally {
                subscriber.disconnect();
            }
        }
    }
}
