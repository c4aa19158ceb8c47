package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.RepositoryRoot;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the shipped {@code sql/mqtt-to-kafka.sql} on a MiniCluster against a real MQTT broker and
 * a real Kafka broker: exactly the messages its WHERE admits reach Kafka, with key, value and every
 * MQTT field as headers.
 */
class MqttToKafkaRouteITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String KAFKA_TOPIC = "fleet-battery-alerts";
    private static final String[] TYPES = {"car", "van", "scooter", "truck"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(TestBroker.Kind.class)
    void routesExactlyWhatTheWhereClauseAdmitsWithEveryMqttFieldAsHeaders(TestBroker.Kind brokerKind, @TempDir Path tmp)
            throws Exception {
        try (TestBroker broker = TestBroker.start(brokerKind, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic(KAFKA_TOPIC, 1);
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            try (RouteJob job = RouteJob.submit(RepositoryRoot.resolve("sql/mqtt-to-kafka.sql"), env, new Configuration());
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                    KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), KAFKA_TOPIC, false)) {

                waitUntilSubscribed(publisher, reader, job);

                List<Battery> sent = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    Battery b = new Battery("m-" + i, "v-" + (i % 7), TYPES[i % 4], (i * 37) % 100 + 0.5, i % 3, 1_700_000_000_000L + i);
                    publisher.publish(b.topic(), b.json(), b.qos, b::properties);
                    sent.add(b);
                }
                // delivered QoS = min(published QoS, subscription QoS 1): 'qos = 1' admits published QoS 1 and 2
                Map<String, Battery> admitted =
                        sent.stream()
                                .filter(b -> b.qos >= 1 && (b.type.equals("van") || b.type.equals("truck")) && b.soc < 25)
                                .collect(Collectors.toMap(b -> b.messageId, b -> b, (a, b) -> a, LinkedHashMap::new));
                assertThat(admitted).hasSizeBetween(10, 30); // the data set exercises the filter both ways

                reader.readUntil(r -> messageIds(r).containsAll(admitted.keySet()), Duration.ofSeconds(45),
                        "the " + admitted.size() + " admitted messages", job::assertRunning);
                // One subscriber delivers in order: once this last admitted message is in Kafka, anything
                // wrongly admitted before it would be there too.
                Battery last = new Battery("m-last", "v-1", "truck", 1.0, 1, 1_700_000_009_999L);
                publisher.publish(last.topic(), last.json(), last.qos, last::properties);
                admitted.put(last.messageId, last);
                List<ConsumerRecord<byte[], byte[]>> records =
                        reader.readUntil(r -> messageIds(r).contains("m-last"), Duration.ofSeconds(30), "m-last", job::assertRunning);

                List<ConsumerRecord<byte[], byte[]>> routed =
                        records.stream().filter(r -> !KafkaTopicReader.headers(r).get("message-id").startsWith("probe-")).collect(Collectors.toList());
                assertThat(messageIdsInOrder(routed)).containsExactlyElementsOf(admitted.keySet());
                for (ConsumerRecord<byte[], byte[]> record : routed) {
                    assertRecordCarries(record, admitted.get(KafkaTopicReader.headers(record).get("mqtt.message-id")));
                }
            }
        }
    }

    private static void assertRecordCarries(ConsumerRecord<byte[], byte[]> record, Battery sent) throws Exception {
        assertThat(KafkaTopicReader.key(record)).isEqualTo(sent.vehicle);
        JsonNode value = JSON.readTree(record.value());
        assertThat(value.get("vehicle").asText()).isEqualTo(sent.vehicle);
        assertThat(value.get("soc").asDouble()).isEqualTo(sent.soc);
        assertThat(value.get("lat").asDouble()).isEqualTo(52.5);
        assertThat(value.get("lon").asDouble()).isEqualTo(13.25);
        assertThat(value.get("ts").asLong()).isEqualTo(sent.timestamp);

        Map<String, String> headers = KafkaTopicReader.headers(record);
        Map<String, String> expected = new HashMap<>();
        expected.put("message-id", sent.messageId);
        expected.put("client-id", "sim-" + sent.vehicle);
        expected.put("vehicle-type", sent.type);
        expected.put("timestamp", String.valueOf(sent.timestamp));
        expected.put("zone", "south"); // sent as zone=north, zone=south: the last value wins
        expected.put("mqtt.topic", sent.topic());
        expected.put("mqtt.qos", "1");
        expected.put("mqtt.retained", "false");
        expected.put("mqtt.message-id", sent.messageId);
        expected.put("mqtt.timestamp", String.valueOf(sent.timestamp));
        expected.put("mqtt.client-id", "sim-" + sent.vehicle);
        expected.put("mqtt.content-type", "application/json");
        expected.put("mqtt.response-topic", "replies/" + sent.vehicle);
        expected.put("mqtt.correlation-data", "corr-" + sent.messageId);
        // brokers send the remaining lifetime: at most what the publisher set
        expected.put("mqtt.message-expiry", headers.get("mqtt.message-expiry"));
        assertThat(Long.parseLong(headers.get("mqtt.message-expiry"))).isBetween(1L, 3600L);
        expected.put("mqtt.packet-id", headers.get("mqtt.packet-id"));
        assertThat(Integer.parseInt(headers.get("mqtt.packet-id"))).isBetween(1, 65_535);
        if (headers.containsKey("mqtt.dup")) {
            expected.put("mqtt.dup", "false"); // a first delivery on a healthy connection
        }
        // not sent by the publisher, so left out (never invented): mqtt.client-host, mqtt.username
        assertThat(headers).as("headers of %s", sent.messageId).isEqualTo(expected);
        assertThat(record.headers().toArray()).hasSize(expected.size());
    }

    /** Publishes admitted probe messages until one reaches Kafka: the subscription is in place. */
    static void waitUntilSubscribed(MqttTestPublisher publisher, KafkaTopicReader reader, RouteJob job) {
        reader.awaitFirstRecord(n -> {
            Battery probe = new Battery("probe-" + n, "v-0", "truck", 1.0, 1, 1L);
            publisher.publish(probe.topic(), probe.json(), 1, probe::properties);
        }, "probe message", Duration.ofSeconds(45), job::assertRunning);
    }

    static Set<String> messageIds(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> KafkaTopicReader.headers(r).get("mqtt.message-id")).collect(Collectors.toSet());
    }

    static List<String> messageIdsInOrder(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> KafkaTopicReader.headers(r).get("mqtt.message-id")).collect(Collectors.toList());
    }

    /** One battery-state message as the fleet's devices publish it. */
    static final class Battery {
        final String messageId;
        final String vehicle;
        final String type;
        final double soc;
        final int qos;
        final long timestamp;

        Battery(String messageId, String vehicle, String type, double soc, int qos, long timestamp) {
            this.messageId = messageId;
            this.vehicle = vehicle;
            this.type = type;
            this.soc = soc;
            this.qos = qos;
            this.timestamp = timestamp;
        }

        String topic() {
            return "vehicles/" + vehicle + "/battery";
        }

        String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"vehicle\":\"%s\",\"soc\":%s,\"lat\":52.5,\"lon\":13.25,\"ts\":%d}",
                    vehicle, soc, timestamp);
        }

        Mqtt5PublishBuilder.Complete properties(Mqtt5PublishBuilder.Complete publish) {
            return publish.contentType("application/json")
                    .responseTopic("replies/" + vehicle)
                    .correlationData(("corr-" + messageId).getBytes(StandardCharsets.UTF_8))
                    .messageExpiryInterval(3600)
                    .userProperties(
                            Mqtt5UserProperties.builder()
                                    .add("message-id", messageId)
                                    .add("client-id", "sim-" + vehicle)
                                    .add("vehicle-type", type)
                                    .add("timestamp", String.valueOf(timestamp))
                                    .add("zone", "north")
                                    .add("zone", "south")
                                    .build());
        }
    }
}
