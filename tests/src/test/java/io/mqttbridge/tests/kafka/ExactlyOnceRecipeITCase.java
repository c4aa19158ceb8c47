package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;

import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented exactly-once recipe - publisher message ids, ROW_NUMBER() deduplication, a
 * transactional Kafka sink, read_committed consumers - yields every message id exactly once in
 * Kafka, although publishers retry and the job fails and restores in the middle of the stream
 * (the broker then redelivers what the failed attempt had not acknowledged).
 */
class ExactlyOnceRecipeITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceRecipeITCase.class);

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String TOPIC = "battery-once";
    private static final int MESSAGES = 400;

    /** The recipe as docs/routes.md shows it, plus the failure-injecting fail_once() in the WHERE. */
    private static final String ROUTES =
            "SET 'table.exec.state.ttl' = '1 h';\n"
                    + "CREATE TEMPORARY FUNCTION fail_once AS '" + FailOnceFunction.class.getName() + "';\n"
                    + "CREATE TABLE battery (\n"
                    + "  vehicle    STRING,\n"
                    + "  soc        DOUBLE,\n"
                    + "  message_id STRING METADATA FROM 'message-id' VIRTUAL,\n"
                    + "  proctime AS PROCTIME()\n"
                    + ") WITH (\n"
                    + "  'connector' = 'mqtt',\n"
                    + "  'server-uri' = '${env:MQTT_URI}',\n"
                    + "  'topic-filter' = 'vehicles/+/battery',\n"
                    + "  'format' = 'json'\n"
                    + ");\n"
                    + "CREATE TABLE battery_once (message_id STRING, vehicle STRING, soc DOUBLE) WITH (\n"
                    + "  'connector' = 'kafka',\n"
                    + "  'topic' = '" + TOPIC + "',\n"
                    + "  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}',\n"
                    + "  'key.format' = 'raw',\n"
                    + "  'key.fields' = 'message_id',\n"
                    + "  'value.format' = 'json',\n"
                    + "  'value.fields-include' = 'EXCEPT_KEY',\n"
                    + "  'sink.delivery-guarantee' = 'exactly-once',\n"
                    + "  'sink.transactional-id-prefix' = 'battery-once',\n"
                    + "  'properties.transaction.timeout.ms' = '60000'\n"
                    + ");\n"
                    + "INSERT INTO battery_once\n"
                    + "SELECT message_id, vehicle, soc FROM (\n"
                    + "  SELECT *, ROW_NUMBER() OVER (PARTITION BY message_id ORDER BY proctime) AS rn\n"
                    + "  FROM battery\n"
                    + "  WHERE message_id IS NOT NULL AND fail_once(message_id)\n"
                    + ") WHERE rn = 1;\n";

    @AfterEach
    void disarm() {
        FailOnceFunction.disarm();
    }

    @Test
    void everyMessageIdReachesKafkaExactlyOnceAcrossAFailure(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic(TOPIC, 1);
            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", "3");
            conf.setString("restart-strategy.fixed-delay.delay", "200 ms");
            Path routes = RouteJob.writeRoutes(tmp, "battery-once.sql", ROUTES);
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            try (RouteJob job = RouteJob.submit(routes, env, conf);
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                    KafkaTopicReader committed = KafkaTopicReader.open(kafka.bootstrapServers(), TOPIC, true)) {
                waitUntilSubscribed(publisher, committed, job);

                FailOnceFunction.arm(MESSAGES / 2);
                Set<String> ids = new LinkedHashSet<>();
                for (int i = 0; i < MESSAGES; i++) {
                    String id = "m-" + i;
                    publish(publisher, id, i);
                    if (i % 10 == 0) {
                        publish(publisher, id, i); // a publisher retry: same id, same content
                    }
                    ids.add(id);
                }
                committed.readUntil(
                        r -> messageIds(r).containsAll(ids), Duration.ofSeconds(50), "all " + MESSAGES + " ids",
                        job::assertRunning);
                // a last message after everything else: duplicates of earlier ids would be committed before it
                publish(publisher, "m-last", -1);
                ids.add("m-last");
                List<ConsumerRecord<byte[], byte[]>> records =
                        committed.readUntil(r -> messageIds(r).contains("m-last"), Duration.ofSeconds(30), "m-last",
                                job::assertRunning);

                assertThat(FailOnceFunction.failures()).as("injected failures").isEqualTo(1);
                Map<String, Long> perId =
                        records.stream()
                                .map(r -> KafkaTopicReader.key(r))
                                .filter(id -> !id.startsWith("probe-"))
                                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                Map<String, Long> duplicates = new HashMap<>(perId);
                duplicates.values().removeIf(n -> n == 1);
                assertThat(duplicates).as("message ids written more than once").isEmpty();
                assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    String id = KafkaTopicReader.key(record);
                    if (!id.startsWith("probe-")) {
                        assertThat(KafkaTopicReader.value(record)).isEqualTo(json(id, index(id)));
                    }
                }
                try (KafkaTopicReader all = KafkaTopicReader.open(kafka.bootstrapServers(), TOPIC, false)) {
                    int uncommitted = all.readUntil(r -> messageIds(r).contains("m-last"), Duration.ofSeconds(30),
                            "m-last", () -> {}).size();
                    LOG.info("exactly-once: {} committed records, {} in the log including aborted transactions",
                            records.size(), uncommitted);
                    // Not asserted: whether the failure hit an open transaction depends on timing (2 to 76
                    // aborted records seen); the exactly-once assertions above hold either way.
                }
            }
        }
    }

    private static void publish(MqttTestPublisher publisher, String id, int i) {
        publisher.publish(
                "vehicles/v-" + (i & 7) + "/battery",
                json(id, i),
                1,
                p -> p.userProperties(Mqtt5UserProperties.builder().add("message-id", id).build()));
    }

    private static int index(String id) {
        return id.equals("m-last") ? -1 : Integer.parseInt(id.substring(2));
    }

    private static String json(String id, int i) {
        return "{\"vehicle\":\"v-" + (i & 7) + "\",\"soc\":" + (i % 100) + ".5}";
    }

    private static Set<String> messageIds(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> KafkaTopicReader.key(r)).collect(Collectors.toSet());
    }

    private static void waitUntilSubscribed(MqttTestPublisher publisher, KafkaTopicReader reader, RouteJob job) {
        reader.awaitFirstRecord(n -> publisher.publish("vehicles/probe/battery", "{\"vehicle\":\"probe\",\"soc\":1}", 1,
                p -> p.userProperties(Mqtt5UserProperties.builder().add("message-id", "probe-" + n).build())),
                "probe message", Duration.ofSeconds(45), job::assertRunning);
    }
}
