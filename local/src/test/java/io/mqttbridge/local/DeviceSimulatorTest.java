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
}
