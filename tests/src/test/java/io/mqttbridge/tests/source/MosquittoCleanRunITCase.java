package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.RouteJob;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.mqttbridge.tests.support.ReportingMiniCluster.counterSum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 4: a clean run on Mosquitto 2.0 (no failure injected) has no reconnect and no
 * duplicate, also when each subscriber holds more unacknowledged messages than the old default
 * window of 10,000 until a checkpoint completes.
 *
 * <p>Why it failed: Mosquitto 2.0.11 (fixed in 2.0.13, eclipse/mosquitto#2306), on a PUBACK, moves
 * queued messages into flight by the position of the acknowledged message instead of by the free
 * window; once a connection's window (the client's Receive Maximum, when the client sends one) is
 * full with a queue behind it, the first PUBACK releases up to a whole window more, the HiveMQ
 * client must drop the connection ("... than allowed by receive maximum") and the broker redelivers
 * the window. The source's default Receive Maximum is now 65,535, which the client does not send
 * (the MQTT default): Mosquitto with 'max_inflight_messages 0' then streams without a queue.
 *
 * <p>Each subscriber gets {@value #PER_SUBSCRIBER} messages; the checkpoint interval is long enough
 * that they are all unacknowledged at once (the publishers finish within it).
 */
class MosquittoCleanRunITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = ReportingMiniCluster.of(METRICS, 2);

    private static final int SUBSCRIBERS = 2;
    /** Above the old default receive-maximum (10,000), so that the old window fills. */
    private static final int PER_SUBSCRIBER = 12_000;
    private static final int MESSAGES = SUBSCRIBERS * PER_SUBSCRIBER;
    private static final String TOPIC = "clean";

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"5", "3.1.1"})
    void aBacklogLargerThanTheOldWindowArrivesOnceWithoutReconnects(String protocolVersion, @TempDir Path tmp)
            throws Exception {
        String group = "clean-" + UUID.randomUUID().toString().substring(0, 8);
        Path routes = RouteJob.writeRoutes(tmp, "clean.sql", String.join("\n",
                "CREATE TABLE numbers_in (payload STRING) WITH ('connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', "
                        + "'topic-filter' = '" + TOPIC + "/#', 'shared-group' = '${env:GROUP}', "
                        + "'subscribers' = '" + SUBSCRIBERS + "', 'protocol-version' = '" + protocolVersion + "', "
                        + "'qos' = '1', 'format' = 'raw');",
                "CREATE TABLE numbers_out (payload STRING) WITH ('connector' = 'kafka', 'topic' = 'clean', "
                        + "'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}', 'format' = 'raw', "
                        + "'sink.delivery-guarantee' = 'at-least-once');",
                "INSERT INTO numbers_out SELECT payload FROM numbers_in;"));
        // Acks wait for a checkpoint: every message published within one interval is unacknowledged at once.
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("clean", 1);
            Map<String, String> env = Map.of(
                    "MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers(), "GROUP", group);
            List<MqttTestPublisher> publishers = new ArrayList<>();
            try (RouteJob job = RouteJob.submit(routes, env, conf);
                    KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "clean", false)) {
                for (int i = 0; i < 4; i++) {
                    publishers.add(MqttTestPublisher.connect(broker.serverUri()));
                }
                reader.awaitFirstRecord(
                        n -> publishers.get(0).publish(TOPIC + "/probe", "probe-" + n, 1),
                        "probe", Duration.ofSeconds(45), job::assertRunning);

                MqttTestPublisher.publishNumbered(publishers, TOPIC + "/n", 1, MESSAGES, Long::toString);
                reader.readUntil(r -> reader.numbers(MosquittoCleanRunITCase::number).complete(1, MESSAGES),
                        Duration.ofSeconds(120), "numbers 1.." + MESSAGES, job::assertRunning);

                KafkaTopicReader.Numbers read = reader.numbers(MosquittoCleanRunITCase::number);
                assertThat(read.missing(1, MESSAGES)).as("lost").isEqualTo("[]");
                assertThat(read.duplicates()).as("duplicates").isZero();
                assertThat(counterSum(METRICS, job.client.getJobID(), "mqtt.reconnects"))
                        .as("reconnects of a clean run (see the Mosquitto log in %s)", tmp)
                        .isZero();
            } finally {
                for (MqttTestPublisher publisher : publishers) {
                    publisher.close();
                }
            }
        }
    }

    /** The number a record carries, or -1 for a probe. */
    private static long number(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        String value = KafkaTopicReader.value(record);
        return value.startsWith("probe-") ? -1 : Long.parseLong(value);
    }
}
