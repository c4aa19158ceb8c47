package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL client / SQL Gateway path: Flink's own SQL Gateway, in a JVM of its own with Flink's lib/
 * and no mqtt-bridge class on its class path (its jobs run in a MiniCluster in that JVM), gets the
 * MQTT connector from {@code ADD JAR} of its SQL jar (and the Kafka connector from {@code ADD JAR} of
 * flink-sql-connector-kafka, as a user adds it), loads the {@code mqtt} module and runs an MQTT ->
 * Kafka route submitted over its REST API. Exactly the messages the route's WHERE
 * admits reach Kafka, keyed by a topic level that MQTT_TOPIC_LEVEL (from the jar) extracts.
 */
class SqlGatewayITCase {

    private static final String TOPIC = "battery-alerts";
    private static final String FACTORY = "io/mqttbridge/mqtt/table/MqttDynamicTableFactory.class";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void routesMqttToKafkaWithTheConnectorAddedAsSqlJar(@TempDir Path tmp) throws Exception {
        Path mqttJar = ShadedJarTest.ShadedJar.MQTT_SQL.file();
        Path kafkaJar = ShadedJarTest.built("tests/target/sql-gateway/flink-sql-connector-kafka.jar");
        Path gatewayJar = ShadedJarTest.built("tests/target/sql-gateway/flink-sql-gateway.jar");
        // The brokers first, so that the port picked for the gateway below is not taken by them meanwhile.
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(FreePorts.pick(), tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic(TOPIC, 1);
            routeThroughAGateway(tmp, broker, kafka, mqttJar, kafkaJar, gatewayJar);
        }
    }

    private static void routeThroughAGateway(Path tmp, EmbeddedHiveMq broker, EmbeddedKafka kafka, Path mqttJar,
            Path kafkaJar, Path gatewayJar) throws Exception {
        String port = String.valueOf(FreePorts.pick());
        // Every job the gateway submits runs in a MiniCluster inside the gateway's JVM.
        Map<String, String> settings = Map.of(
                "execution.target", "local",
                "sql-gateway.endpoint.rest.address", "127.0.0.1",
                "sql-gateway.endpoint.rest.bind-address", "127.0.0.1",
                "sql-gateway.endpoint.rest.port", port,
                "sql-gateway.endpoint.rest.bind-port", port);
        URI rest = URI.create("http://127.0.0.1:" + port);
        try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.configure(tmp.resolve("flink"), settings);
                FlinkProcess gateway = flink.startSqlGateway(gatewayJar)) {
            flink.await(() -> GatewaySession.answers(rest), Duration.ofSeconds(60), "the SQL Gateway's REST API");
            assertNoConnectorOnTheClassPathOf(gateway);
            try (GatewaySession session = GatewaySession.open(rest)) {
                routeThroughTheGateway(session, gateway, broker, kafka, mqttJar, kafkaJar);
            }
        }
    }

    private static void routeThroughTheGateway(GatewaySession session, FlinkProcess gateway, EmbeddedHiveMq broker,
            EmbeddedKafka kafka, Path mqttJar, Path kafkaJar) throws Exception {
        // Without the jar the gateway finds neither the module nor the table.
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

        String log = " (gateway log: " + gateway.log + ")";
        Runnable gatewayAlive = () -> assertThat(gateway.process.isAlive()).as("the SQL Gateway is running" + log).isTrue();
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), TOPIC, false)) {
            // A message published before the subscription exists is not delivered: probe until one arrives.
            reader.awaitFirstRecord(n -> publish(publisher, new Battery("probe", "probe-" + n, 1.0, -1)),
                    "a first probe (is the route subscribed?)" + log, Duration.ofSeconds(45), gatewayAlive);

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
            List<ConsumerRecord<byte[], byte[]>> read = reader.readUntil(
                    r -> r.stream().anyMatch(rec -> KafkaTopicReader.key(rec).equals("dev-last")), Duration.ofSeconds(45),
                    "dev-last" + log, gatewayAlive);

            List<ConsumerRecord<byte[], byte[]>> routed = read.stream()
                    .filter(r -> !KafkaTopicReader.key(r).equals("probe")).collect(Collectors.toList());
            assertThat(routed).hasSameSizeAs(admitted);
            for (int i = 0; i < admitted.size(); i++) {
                assertCarries(routed.get(i), admitted.get(i));
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

    /** The class path the gateway's JVM reports (Flink logs it at start) holds no mqtt-bridge class. */
    private static void assertNoConnectorOnTheClassPathOf(FlinkProcess gateway) throws IOException {
        String line = Files.readAllLines(gateway.log).stream().filter(l -> l.contains(" Classpath: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no class path in " + gateway.log));
        List<String> classPath = List.of(line.substring(line.indexOf(" Classpath: ") + 12).trim().split(File.pathSeparator));
        assertThat(classPath).as("the gateway's class path").anyMatch(e -> e.endsWith("flink-sql-gateway.jar"));
        for (String entry : classPath) {
            try (ZipFile zip = new ZipFile(entry)) {
                assertThat(zip.getEntry(FACTORY)).as("%s in %s", FACTORY, entry).isNull();
                assertThat(zip.stream().filter(e -> e.getName().startsWith("io/mqttbridge/")).findAny())
                        .as("mqtt-bridge classes in %s", entry).isEmpty();
            }
        }
    }

    private static void assertCarries(ConsumerRecord<byte[], byte[]> record, Battery sent) throws IOException {
        assertThat(KafkaTopicReader.key(record)).isEqualTo(sent.device);
        JsonNode value = JSON.readTree(record.value());
        assertThat(value.get("device").asText()).isEqualTo(sent.device);
        assertThat(value.get("vehicle").asText()).isEqualTo(sent.vehicle);
        assertThat(value.get("soc").asDouble()).isEqualTo(sent.soc);
        assertThat(value.get("ts").asLong()).isEqualTo(sent.ts);
        Map<String, String> headers = KafkaTopicReader.headers(record);
        assertThat(headers).containsEntry("mqtt.topic", sent.topic()).containsEntry("mqtt.qos", "1");
        // read through the relocated HiveMQ client's internals (HiveMqPublishDetails): relocation kept that path
        assertThat(Integer.parseInt(headers.get("mqtt.packet-id"))).isBetween(1, 65_535);
    }

    private static void publish(MqttTestPublisher publisher, Battery b) {
        publisher.publish(b.topic(), b.json(), 1);
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
