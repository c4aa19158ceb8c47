package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.tests.support.TopicWatcher;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sql/kafka-to-mqtt.sql} end to end: JSON commands written to the Kafka topic
 * {@code vehicle-commands} land on each vehicle's MQTT topic {@code devices/<vin>/commands} on HiveMQ
 * CE (QoS 1), with the request id and the Kafka record time as user properties; each vehicle's
 * commands in the order written (one partition, one route subtask, one MQTT connection).
 */
class KafkaToMqttRouteITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VINS = List.of("v-17", "v-18", "v-19", "v-20");
    private static final int PER_VIN = 25;

    @Test
    void recordsLandOnTheTopicsOfTheirVehicles(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("vehicle-commands", 1);
            try (TopicWatcher vehicles = TopicWatcher.subscribe(broker.serverUri(), "vehicles", "devices/#")) {

                // Written before the route starts: its new consumer group reads from the earliest offset.
                Map<String, String> sent = new LinkedHashMap<>(); // request id -> vin
                Properties props = new Properties();
                props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                    // a record without a request id is filtered out by the route
                    producer.send(new ProducerRecord<>("vehicle-commands", "{\"vin\":\"v-17\",\"command\":\"none\"}")).get();
                    for (int i = 0; i < PER_VIN * VINS.size(); i++) {
                        String vin = VINS.get(i % VINS.size());
                        String requestId = "r-" + i;
                        producer.send(new ProducerRecord<>("vehicle-commands",
                                "{\"vin\":\"" + vin + "\",\"command\":\"c-" + i + "\",\"request_id\":\"" + requestId + "\"}")).get();
                        sent.put(requestId, vin);
                    }
                }

                Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
                try (RouteJob job = RouteJob.submit(RepositoryRoot.resolve("sql/kafka-to-mqtt.sql"), env, new Configuration())) {
                    Map<String, List<Integer>> perTopic = new HashMap<>();
                    List<String> others = new ArrayList<>();
                    AtomicInteger seen = new AtomicInteger();
                    vehicles.receiveUntil(() -> seen.get() >= sent.size(), Duration.ofSeconds(120), job::assertRunning, p -> {
                        JsonNode body = JSON.readTree(p.getPayloadAsBytes());
                        Map<String, String> userProps = TopicWatcher.userProperties(p);
                        String requestId = userProps.get("request-id");
                        if (requestId == null || !sent.containsKey(requestId)) {
                            others.add(p.getTopic() + " " + body);
                            return;
                        }
                        seen.incrementAndGet();
                        assertThat(body.path("vin").asText()).isEqualTo(sent.get(requestId));
                        assertThat(body.path("command").asText()).isEqualTo("c-" + requestId.substring(2));
                        assertThat(userProps.get("kafka-time")).isNotBlank();
                        perTopic.computeIfAbsent(p.getTopic().toString(), t -> new ArrayList<>())
                                .add(Integer.parseInt(requestId.substring(2)));
                    });
                    assertThat(others).as("publishes for no command with a request id").isEmpty();
                    assertThat(perTopic).containsOnlyKeys(VINS.stream().map(v -> "devices/" + v + "/commands").toList());
                    for (int v = 0; v < VINS.size(); v++) {
                        List<Integer> expected = new ArrayList<>();
                        for (int i = v; i < PER_VIN * VINS.size(); i += VINS.size()) {
                            expected.add(i);
                        }
                        // QoS 1 may repeat after a restart; none happened here, so exactly once and in order.
                        assertThat(perTopic.get("devices/" + VINS.get(v) + "/commands")).containsExactlyElementsOf(expected);
                    }
                    job.assertRunning();
                }
            }
        }
    }
}
