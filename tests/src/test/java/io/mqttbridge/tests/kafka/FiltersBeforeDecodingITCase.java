package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.mqttbridge.tests.support.ReportingMiniCluster.counterSum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, "Filters before decoding", on a real broker with counts from Kafka: the 'message-filter'
 * option, and a route's WHERE pushed into the scan. Messages that no route wants carry payloads the
 * table's format (json) cannot decode: the job would fail if one of them were decoded.
 */
class FiltersBeforeDecodingITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = ReportingMiniCluster.of(METRICS, 2);

    private static final int MESSAGES = 300;
    private static final String UNDECODABLE = "not json";

    /** Kept: QoS 1 with k1 = v1. Dropped undecodable: QoS 0 with k1 = v1, QoS 1 with k1 = v2, QoS 1 without k1. */
    @ParameterizedTest
    @EnumSource(value = TestBroker.Kind.class, names = {"HIVEMQ", "MOSQUITTO"})
    void messageFilterOptionKeepsExactlyTheMatchingMessagesWithoutDecodingTheOthers(TestBroker.Kind kind, @TempDir Path tmp)
            throws Exception {
        String table = table("'message-filter' = '$QoS = 1 AND k1 = ''v1''', ");
        Path routes = RouteJob.writeRoutes(tmp, "message-filter.sql", String.join("\n",
                table, kafkaTable("kept_out", "kept"), "INSERT INTO kept_out SELECT CAST(v AS STRING) FROM mqtt_in;"));
        try (TestBroker broker = TestBroker.start(kind, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("kept", 1);
            try (RouteJob job = RouteJob.submit(routes, env(broker, kafka), new Configuration());
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                    KafkaTopicReader kept = KafkaTopicReader.open(kafka.bootstrapServers(), "kept", false)) {
                kept.awaitFirstRecord(n -> publish(publisher, "flt/probe", -1 - n, 1, "v1"), "probe", Duration.ofSeconds(45), job::assertRunning);
                for (int i = 0; i < MESSAGES; i++) {
                    switch (i % 4) {
                        case 0:
                            publish(publisher, "flt/d" + i % 7, i, 1, "v1");
                            break;
                        case 1:
                            publisher.publish("flt/d", UNDECODABLE, 0, p -> p.userProperties().add("k1", "v1").applyUserProperties());
                            break;
                        case 2:
                            publisher.publish("flt/d", UNDECODABLE, 1, p -> p.userProperties().add("k1", "v2").applyUserProperties());
                            break;
                        default:
                            publisher.publish("flt/d", UNDECODABLE, 1);
                    }
                }
                publish(publisher, "flt/last", MESSAGES, 1, "v1");

                TreeSet<Integer> expected = numbers(i -> i % 4 == 0);
                expected.add(MESSAGES);
                assertThat(readNumbers(kept, expected, job)).isEqualTo(expected);
                job.assertRunning();
                // Every filtered QoS 1 message (half of all) is counted; the QoS 0 quarter may be dropped by a busy broker,
                // and with several subscribers the last filtered ones may still be on their way when 'last' is read.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                long filtered = counterSum(METRICS, job.client.getJobID(), "deserializer.messagesFiltered");
                while (filtered < 3 * MESSAGES / 4 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    filtered = counterSum(METRICS, job.client.getJobID(), "deserializer.messagesFiltered");
                }
                assertThat(filtered).as("messagesFiltered").isBetween((long) MESSAGES / 2, (long) 3 * MESSAGES / 4);
            }
        }
    }

    /**
     * Two INSERTs over one table with different WHEREs on the topic and the QoS: both are pushed, so the
     * planner makes two scans; each subscribes in a shared group and with client ids of its own, so each
     * route gets every message it matches, and no connection takes another's session over.
     */
    @ParameterizedTest
    @EnumSource(value = TestBroker.Kind.class, names = {"HIVEMQ", "MOSQUITTO"})
    void twoRoutesWithPushedFiltersEachGetEveryMatchingMessage(TestBroker.Kind kind, @TempDir Path tmp) throws Exception {
        Path routes = RouteJob.writeRoutes(tmp, "two-routes.sql", String.join("\n",
                table(""),
                kafkaTable("a_out", "route-a"),
                kafkaTable("b_out", "route-b"),
                "INSERT INTO a_out SELECT CAST(v AS STRING) FROM mqtt_in WHERE t LIKE 'flt/a/%';",
                "INSERT INTO b_out SELECT CAST(v AS STRING) FROM mqtt_in WHERE q = 1;"));
        try (TestBroker broker = TestBroker.start(kind, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("route-a", 1);
            kafka.createTopic("route-b", 1);
            try (RouteJob job = RouteJob.submit(routes, env(broker, kafka), new Configuration());
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                    KafkaTopicReader a = KafkaTopicReader.open(kafka.bootstrapServers(), "route-a", false);
                    KafkaTopicReader b = KafkaTopicReader.open(kafka.bootstrapServers(), "route-b", false)) {
                a.awaitFirstRecord(n -> publish(publisher, "flt/a/probe", -1 - n, 1, null), "probe", Duration.ofSeconds(45), job::assertRunning);
                b.awaitFirstRecord(n -> publish(publisher, "flt/b/probe", -1 - n, 1, null), "probe", Duration.ofSeconds(45), job::assertRunning);
                for (int i = 0; i < MESSAGES; i++) {
                    switch (i % 4) {
                        case 0: // both routes
                            publish(publisher, "flt/a/d" + i % 7, i, 1, null);
                            break;
                        case 1: // route a only
                            publish(publisher, "flt/a/d" + i % 7, i, 0, null);
                            break;
                        case 2: // route b only
                            publish(publisher, "flt/b/d" + i % 7, i, 1, null);
                            break;
                        default: // neither, and undecodable
                            publisher.publish("flt/x/d", UNDECODABLE, 0);
                    }
                }
                publish(publisher, "flt/a/last", MESSAGES, 1, null);

                TreeSet<Integer> expectedA = numbers(i -> i % 4 == 0 || i % 4 == 1);
                expectedA.add(MESSAGES);
                TreeSet<Integer> expectedB = numbers(i -> i % 4 == 0 || i % 4 == 2);
                expectedB.add(MESSAGES);
                assertThat(readNumbers(a, expectedA, job)).as("route a (topic flt/a/%)").isEqualTo(expectedA);
                assertThat(readNumbers(b, expectedB, job)).as("route b (qos 1)").isEqualTo(expectedB);
                job.assertRunning();
                assertThat(counterSum(METRICS, job.client.getJobID(), "mqtt.reconnects"))
                        .as("reconnects (a connection whose session another one took over reconnects)")
                        .isZero();
            }
        }
    }

    private static String table(String extraOptions) {
        return "CREATE TABLE mqtt_in (v INT, t STRING NOT NULL METADATA FROM 'topic' VIRTUAL, "
                + "q INT NOT NULL METADATA FROM 'qos' VIRTUAL) WITH ('connector' = 'mqtt', "
                + "'server-uri' = '${env:MQTT_URI}', 'topic-filter' = 'flt/#', 'shared-group' = '${env:GROUP}', "
                + "'subscribers' = '2', 'qos' = '1', " + extraOptions + "'format' = 'json');";
    }

    private static String kafkaTable(String name, String topic) {
        return "CREATE TABLE " + name + " (v STRING) WITH ('connector' = 'kafka', 'topic' = '" + topic + "', "
                + "'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}', 'format' = 'raw', "
                + "'sink.delivery-guarantee' = 'at-least-once');";
    }

    private static Map<String, String> env(TestBroker broker, EmbeddedKafka kafka) {
        return Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                "GROUP", "g-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static void publish(MqttTestPublisher publisher, String topic, int number, int qos, String k1) {
        String payload = "{\"v\": " + number + "}";
        publisher.publish(topic, payload, qos, k1 == null ? p -> p : p -> p.userProperties().add("k1", k1).applyUserProperties());
    }

    private static TreeSet<Integer> numbers(IntPredicate wanted) {
        return IntStream.range(0, MESSAGES).filter(wanted).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    /** The distinct non-negative numbers (probes are negative) once the last expected one is in. */
    private static TreeSet<Integer> readNumbers(KafkaTopicReader reader, TreeSet<Integer> expected, RouteJob job) {
        List<ConsumerRecord<byte[], byte[]>> records = reader.readUntil(
                r -> numbersIn(r).containsAll(expected), Duration.ofSeconds(90), "every expected number", job::assertRunning);
        return numbersIn(records);
    }

    private static TreeSet<Integer> numbersIn(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> Integer.parseInt(KafkaTopicReader.value(r)))
                .filter(n -> n >= 0)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
