package io.mqttbridge.tests.sqlgateway;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.MosquittoBroker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL client / SQL Gateway path: Flink's own SQL Gateway, with no mqtt-bridge class on its class
 * path, gets the MQTT connector from {@code ADD JAR} of its SQL jar (and the Kafka connector from
 * {@code ADD JAR} of flink-sql-connector-kafka, as a user adds it), loads the {@code mqtt} module
 * and runs an MQTT -> Kafka route submitted over its REST API. Exactly the messages the route's WHERE
 * admits reach Kafka, keyed by a topic level that MQTT_TOPIC_LEVEL (from the jar) extracts.
 */
class SqlGatewayITCase {

    private static final String TOPIC = "battery-alerts";
    private static final String FACTORY = "io/mqttbridge/mqtt/table/MqttDynamicTableFactory.class";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void routesMqttToKafkaWithTheConnectorAddedAsSqlJar(@TempDir Path tmp) throws Exception {
        Path mqttJar = SqlGatewayProcess.built("connectors/mqtt/target/mqtt-bridge-sql-connector-mqtt.jar");
        Path kafkaJar = SqlGatewayProcess.built("tests/target/sql-gateway/flink-sql-connector-kafka.jar");
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(MosquittoBroker.freePort(), tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                SqlGatewayProcess gateway = SqlGatewayProcess.start(tmp.resolve("gateway"), Duration.ofSeconds(60));
                GatewaySession session = GatewaySession.open(gateway.restUri)) {
            kafka.createTopic(TOPIC, 1);
            assertNoConnectorOnTheClassPathOf(gateway);
            // The gateway's own proof of the same: without the jar, neither the module nor the table is found.
            String notFound = "Could not find any factory for identifier 'mqtt'";
            assertThat(session.errorOf("LOAD MODULE mqtt")).contains(notFound).contains("ModuleFactory");
            session.execute("CREATE TEMPORARY TABLE no_jar_yet (v STRING) WITH ('connector' = 'mqtt')");
            assertThat(session.errorOf("EXPLAIN SELECT * FROM no_jar_yet")).contains(notFound).contains("DynamicTable");

            session.execute("ADD JAR '" + mqttJar + "'");
            session.execute("ADD JAR '" + kafkaJar + "'");
            assertThat(session.execute("SHOW JARS").rows).extracting(row -> row.get(0).asText())
                    .containsExactlyInAnyOrder(mqttJar.toString(), kafkaJar.toString());
            session.execute("LOAD MODULE mqtt");
            // A routes file gets these from RoutesJob; in a session they are SET (MQTT acks wait for checkpoints).
            session.execute("SET 'execution.checkpointing.interval' = '500 ms'");
            session.execute("SET 'restart-strategy.type' = 'none'");
            for (String statement : route(broker.serverUri(), kafka.bootstrapServers())) {
                session.execute(statement);
            }
            String jobId = session.execute(
                    "INSERT INTO battery_alerts SELECT MQTT_TOPIC_LEVEL(topic, 2), vehicle, soc, ts, headers"
                            + " FROM vehicle_battery WHERE soc < 25").jobId;
            assertThat(jobId).as("the INSERT submitted a job").isNotBlank();

            Mqtt5BlockingClient publisher = publisher(broker);
            try (AutoCloseable disconnect = publisher::disconnect;
                    KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.bootstrapServers())) {
                List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
                // A message published before the subscription exists is not delivered: probe until one arrives.
                int[] probes = {0};
                readUntil(consumer, read, gateway, r -> {
                    if (!r.isEmpty()) {
                        return true;
                    }
                    publish(publisher, new Battery("probe", "probe-" + probes[0]++, 1.0, -1));
                    return false;
                });

                List<Battery> admitted = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    Battery b = new Battery("dev-" + (i % 4), "veh-" + i, (i * 37) % 100 + 0.5, i);
                    publish(publisher, b);
                    if (b.soc < 25) {
                        admitted.add(b);
                    }
                }
                assertThat(admitted).hasSizeBetween(10, 20); // the data set exercises the WHERE both ways
                // One subscriber delivers in order: once this last one is in Kafka, anything wrongly
                // admitted before it would be there too.
                Battery last = new Battery("dev-last", "veh-last", 0.5, 1_000);
                publish(publisher, last);
                admitted.add(last);
                readUntil(consumer, read, gateway, r -> r.stream().anyMatch(rec -> key(rec).equals("dev-last")));

                List<ConsumerRecord<byte[], byte[]>> routed = read.stream()
                        .filter(r -> !key(r).equals("probe")).collect(Collectors.toList());
                assertThat(routed).hasSameSizeAs(admitted);
                for (int i = 0; i < admitted.size(); i++) {
                    assertCarries(routed.get(i), admitted.get(i));
                }
            }
        }
    }

    /** The CREATE TABLEs of sql/mqtt-to-kafka.sql with the addresses written out: a session substitutes no ${env:...}. */
    private static List<String> route(String mqttUri, String bootstrapServers) {
        return List.of(
                "CREATE TABLE vehicle_battery (\n"
                        + "  vehicle STRING,\n"
                        + "  soc DOUBLE,\n"
                        + "  ts BIGINT,\n"
                        + "  topic STRING METADATA VIRTUAL,\n"
                        + "  headers MAP<STRING, BYTES> METADATA VIRTUAL\n"
                        + ") WITH (\n"
                        + "  'connector' = 'mqtt',\n"
                        + "  'server-uri' = '" + mqttUri + "',\n"
                        + "  'topic-filter' = 'vehicles/+/battery',\n"
                        + "  'qos' = '1',\n"
                        + "  'format' = 'json'\n"
                        + ")",
                "CREATE TABLE battery_alerts (\n"
                        + "  device STRING,\n"
                        + "  vehicle STRING,\n"
                        + "  soc DOUBLE,\n"
                        + "  ts BIGINT,\n"
                        + "  headers MAP<STRING, BYTES> METADATA\n"
                        + ") WITH (\n"
                        + "  'connector' = 'kafka',\n"
                        + "  'topic' = '" + TOPIC + "',\n"
                        + "  'properties.bootstrap.servers' = '" + bootstrapServers + "',\n"
                        + "  'key.format' = 'raw',\n"
                        + "  'key.fields' = 'device',\n"
                        + "  'value.format' = 'json',\n"
                        + "  'value.fields-include' = 'ALL',\n"
                        + "  'sink.delivery-guarantee' = 'at-least-once'\n"
                        + ")");
    }

    /** Neither the gateway's class path nor anything on it holds an mqtt-bridge class. */
    private static void assertNoConnectorOnTheClassPathOf(SqlGatewayProcess gateway) throws IOException {
        assertThat(gateway.classPath).as("the gateway's class path").isNotEmpty();
        for (Path jar : gateway.classPath) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                assertThat(zip.getEntry(FACTORY)).as("%s in %s", FACTORY, jar).isNull();
                assertThat(zip.stream().filter(e -> e.getName().startsWith("io/mqttbridge/")).findAny())
                        .as("mqtt-bridge classes in %s", jar).isEmpty();
            }
        }
    }

    private static void assertCarries(ConsumerRecord<byte[], byte[]> record, Battery sent) throws IOException {
        assertThat(key(record)).isEqualTo(sent.device);
        JsonNode value = JSON.readTree(record.value());
        assertThat(value.get("device").asText()).isEqualTo(sent.device);
        assertThat(value.get("vehicle").asText()).isEqualTo(sent.vehicle);
        assertThat(value.get("soc").asDouble()).isEqualTo(sent.soc);
        assertThat(value.get("ts").asLong()).isEqualTo(sent.ts);
        Map<String, String> headers = new java.util.HashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry("mqtt.topic", sent.topic()).containsEntry("mqtt.qos", "1");
        // read through the relocated HiveMQ client's internals (HiveMqPublishDetails): relocation kept that path
        assertThat(Integer.parseInt(headers.get("mqtt.packet-id"))).isBetween(1, 65_535);
    }

    private static void readUntil(KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> read,
            SqlGatewayProcess gateway, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Duration timeout = Duration.ofSeconds(45); // a bound against hanging, not a timing expectation
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(read)) {
            gateway.assertAlive("routing");
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Kafka topic '" + TOPIC + "': gave up after " + timeout + "; read "
                        + read.stream().map(SqlGatewayITCase::key).collect(Collectors.toList()) + "\n" + gateway.tail());
            }
            consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static Mqtt5BlockingClient publisher(EmbeddedHiveMq broker) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("sql-gateway-it-publisher")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        client.connect();
        return client;
    }

    private static void publish(Mqtt5BlockingClient publisher, Battery b) {
        publisher.publishWith().topic(b.topic()).qos(MqttQos.AT_LEAST_ONCE)
                .payload(b.json().getBytes(StandardCharsets.UTF_8)).send();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    /** A battery state as a device publishes it to vehicles/<device>/battery. */
    private static final class Battery {
        final String device;
        final String vehicle;
        final double soc;
        final long ts;

        Battery(String device, String vehicle, double soc, long ts) {
            this.device = device;
            this.vehicle = vehicle;
            this.soc = soc;
            this.ts = ts;
        }

        String topic() {
            return "vehicles/" + device + "/battery";
        }

        String json() {
            return String.format(Locale.ROOT, "{\"vehicle\":\"%s\",\"soc\":%s,\"ts\":%d}", vehicle, soc, ts);
        }
    }
}
