package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A payload the table's format cannot decode fails the job with the message named, or - with the
 * format's own option - is skipped while the good messages around it arrive.
 */
class UndecodablePayloadITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final String ROUTES =
            "CREATE TABLE readings (\n"
                    + "  sensor STRING,\n"
                    + "  temp   DOUBLE\n"
                    + ") WITH (\n"
                    + "  'connector' = 'mqtt',\n"
                    + "  'server-uri' = '${env:MQTT_URI}',\n"
                    + "  'topic-filter' = 'sensors/+/temp',\n"
                    + "  'format' = 'json'%s\n"
                    + ");\n"
                    + "CREATE TABLE readings_out (sensor STRING, temp DOUBLE) WITH (\n"
                    + "  'connector' = 'kafka',\n"
                    + "  'topic' = 'readings',\n"
                    + "  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}',\n"
                    + "  'format' = 'json'\n"
                    + ");\n"
                    + "INSERT INTO readings_out SELECT sensor, temp FROM readings;\n";

    @Test
    void undecodableJsonFailsTheJobNamingTopicPacketIdAndFormat(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("readings", 1);
            Path routes = RouteJob.writeRoutes(tmp, "readings.sql", String.format(ROUTES, ""));
            try (RouteJob job = RouteJob.submit(routes, env(broker, kafka), new Configuration());
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                    KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "readings", false)) {
                waitUntilSubscribed(publisher, reader, job);

                publisher.publish("sensors/s-bad/temp", "{\"sensor\":\"s-bad\",\"temp\":", 1, p -> p);

                Throwable failure = job.failure(Duration.ofSeconds(45));
                assertThat(job.status()).isEqualTo(JobStatus.FAILED);
                assertThat(ExceptionUtils.stringifyException(failure))
                        .containsPattern(
                                "Cannot decode the payload of the MQTT message on topic 'sensors/s-bad/temp' "
                                        + "packet id [1-9][0-9]* with format 'json'")
                        .contains("json.ignore-parse-errors");
            }
        }
    }

    @Test
    void ignoreParseErrorsSkipsTheUndecodableMessageAndKeepsTheOthers(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("readings", 1);
            Path routes =
                    RouteJob.writeRoutes(
                            tmp, "readings.sql", String.format(ROUTES, ",\n  'json.ignore-parse-errors' = 'true'"));
            try (RouteJob job = RouteJob.submit(routes, env(broker, kafka), new Configuration());
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                    KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "readings", false)) {
                waitUntilSubscribed(publisher, reader, job);

                publisher.publish("sensors/s-1/temp", "{\"sensor\":\"s-1\",\"temp\":20.5}", 1, p -> p);
                publisher.publish("sensors/s-bad/temp", "{\"sensor\":\"s-bad\",\"temp\":", 1, p -> p);
                publisher.publish("sensors/s-bad/temp", "not json at all", 1, p -> p);
                publisher.publish("sensors/s-2/temp", "{\"sensor\":\"s-2\",\"temp\":21.5}", 1, p -> p);
                // one subscriber delivers in order: the bad ones, had they passed, would precede s-last
                publisher.publish("sensors/s-last/temp", "{\"sensor\":\"s-last\",\"temp\":0}", 1, p -> p);

                List<ConsumerRecord<byte[], byte[]>> records =
                        reader.readUntil(
                                r -> r.stream().anyMatch(x -> KafkaTopicReader.value(x).contains("s-last")),
                                Duration.ofSeconds(45),
                                "s-last",
                                job::assertRunning);
                List<String> values =
                        records.stream()
                                .map(KafkaTopicReader::value)
                                .filter(v -> !v.contains("probe"))
                                .collect(Collectors.toList());
                assertThat(values)
                        .containsExactly(
                                "{\"sensor\":\"s-1\",\"temp\":20.5}",
                                "{\"sensor\":\"s-2\",\"temp\":21.5}",
                                "{\"sensor\":\"s-last\",\"temp\":0.0}");
                assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            }
        }
    }

    private static Map<String, String> env(TestBroker broker, EmbeddedKafka kafka) {
        return Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    }

    private static void waitUntilSubscribed(MqttTestPublisher publisher, KafkaTopicReader reader, RouteJob job) {
        reader.awaitFirstRecord(n -> publisher.publish("sensors/probe/temp", "{\"sensor\":\"probe\",\"temp\":1}", 1, p -> p),
                "probe reading", Duration.ofSeconds(45), job::assertRunning);
    }
}
