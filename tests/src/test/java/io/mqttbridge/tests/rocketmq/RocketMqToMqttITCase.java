package io.mqttbridge.tests.rocketmq;

import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.tests.support.TopicWatcher;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sql/rocketmq-to-mqtt.sql} end to end, remote device control: commands sent to the RocketMQ
 * topic {@code device-commands} reach each device's own MQTT topic {@code devices/<device>/commands}
 * on HiveMQ CE, with the request id and the RocketMQ message id as MQTT user properties; bodies that
 * are not JSON and device ids that would name another MQTT topic are dropped, not published.
 */
class RocketMqToMqttITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DEVICES = List.of("v-001", "v-002", "cs-007");
    private static final int PER_DEVICE = 20;

    @Test
    void eachCommandReachesTheTopicOfItsDeviceOnly(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(tmp.resolve("rocketmq"), 0, false)) {
            rocketMq.createTopic("device-commands", 4);
            // Subscribed before any command exists: the broker keeps nothing for absent subscribers.
            try (TopicWatcher devices = TopicWatcher.subscribe(broker.serverUri(), "devices", "devices/#")) {

                // Sent before the route starts: the new consumer group reads from the earliest offset.
                Map<String, String> sent = new LinkedHashMap<>(); // request id -> device
                Map<String, String> msgIds = new HashMap<>();     // request id -> RocketMQ message id
                String nameServer = rocketMq.nameServer();
                try (RocketMqClients.Producer backend = RocketMqClients.producer(nameServer)) {
                    backend.send("device-commands", null, null, "not json", Map.of());
                    backend.send("device-commands", null, null,
                            "{\"device\":\"v-001/other\",\"command\":\"unlock\",\"request_id\":\"bad-1\"}", Map.of());
                    for (int i = 0; i < PER_DEVICE * DEVICES.size(); i++) {
                        String device = DEVICES.get(i % DEVICES.size());
                        String requestId = "r-" + i;
                        msgIds.put(requestId, backend.send("device-commands", "ctl", null,
                                "{\"device\":\"" + device + "\",\"command\":\"c-" + i + "\",\"request_id\":\"" + requestId + "\"}",
                                Map.of()));
                        sent.put(requestId, device);
                    }
                }

                Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "ROCKETMQ_NAMESRV", nameServer);
                try (RouteJob job = RouteJob.submit(RepositoryRoot.resolve("sql/rocketmq-to-mqtt.sql"), env, new Configuration())) {
                    Map<String, String> delivered = new HashMap<>(); // request id -> topic
                    List<String> unexpected = new ArrayList<>();
                    devices.receiveUntil(() -> delivered.keySet().containsAll(sent.keySet()), Duration.ofSeconds(120), job::assertRunning, p -> {
                        JsonNode body = JSON.readTree(p.getPayloadAsBytes());
                        Map<String, String> props = TopicWatcher.userProperties(p);
                        String requestId = body.path("request_id").asText();
                        if (!sent.containsKey(requestId)) {
                            unexpected.add(p.getTopic() + " " + body);
                            return;
                        }
                        assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
                        assertThat(body.path("device").asText()).isEqualTo(sent.get(requestId));
                        assertThat(body.path("command").asText()).isEqualTo("c-" + requestId.substring(2));
                        assertThat(props).containsEntry("request-id", requestId).containsEntry("rocketmq-msg-id", msgIds.get(requestId));
                        delivered.put(requestId, p.getTopic().toString());
                    });
                    assertThat(delivered.keySet()).as("request ids delivered over MQTT").containsAll(sent.keySet());
                    // Whatever else the route published by now (the bad commands were sent first).
                    for (Optional<Mqtt5Publish> more = devices.receive(Duration.ofSeconds(3)); more.isPresent();
                            more = devices.receive(Duration.ofSeconds(3))) {
                        unexpected.add(more.get().getTopic() + " " + new String(more.get().getPayloadAsBytes()));
                    }
                    sent.forEach((requestId, device) ->
                            assertThat(delivered.get(requestId)).as(requestId).isEqualTo("devices/" + device + "/commands"));
                    assertThat(unexpected).as("publishes for no command sent (the bad ones)").isEmpty();
                    job.assertRunning();
                }
            }
        }
    }
}
