package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Poison messages on a real broker, routed to Kafka and read back from it: a numbered sequence with
 * undecodable payloads and NOT NULL violations in between, under each 'decode-error-handling'; and
 * messages over 'maximum-packet-size', which the broker drops.
 */
class PoisonMessageITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = ReportingMiniCluster.of(METRICS, 1);

    private static final String TOPIC = "sensors/s/temp";
    private static final int COUNT = 200;
    private static final Pattern NUMBER = Pattern.compile("\"n\":(\\d+)");

    private static final String ROUTES =
            "CREATE TABLE readings (\n"
                    + "  n      BIGINT NOT NULL,\n"
                    + "  sensor STRING\n"
                    + ") WITH (\n"
                    + "  'connector' = 'mqtt',\n"
                    + "  'server-uri' = '${env:MQTT_URI}',\n"
                    + "  'topic-filter' = 'sensors/+/temp',\n"
                    + "  'format' = 'json'%s\n"
                    + ");\n"
                    + "CREATE TABLE readings_out (n BIGINT, sensor STRING) WITH (\n"
                    + "  'connector' = 'kafka',\n"
                    + "  'topic' = 'readings',\n"
                    + "  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}',\n"
                    + "  'format' = 'json'\n"
                    + ");\n"
                    + "INSERT INTO readings_out SELECT n, sensor FROM readings;\n";

    /** Every 25th message cannot be parsed, every 25th from 12 on lacks the NOT NULL column n. */
    private static String payload(long n) {
        if (n % 25 == 0) {
            return "{\"sensor\":\"s-" + n + "\",\"n\":";
        }
        if (n % 25 == 12) {
            return "{\"sensor\":\"s-" + n + "\"}";
        }
        return "{\"n\":" + n + ",\"sensor\":\"s-" + n + "\"}";
    }

    private static boolean bad(long n) {
        return n % 25 == 0 || n % 25 == 12;
    }

    private static final Set<Long> GOOD = LongStream.rangeClosed(1, COUNT).filter(n -> !bad(n)).boxed()
            .collect(Collectors.toCollection(TreeSet::new));
    private static final Set<String> BAD_PAYLOADS = LongStream.rangeClosed(1, COUNT).filter(PoisonMessageITCase::bad)
            .mapToObj(PoisonMessageITCase::payload).collect(Collectors.toSet());

    @Test
    void skipDeliversEveryGoodMessageOnceCountsEveryBadOneAndNeverFailsTheJob(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                LogCapture logs = new LogCapture("io.mqttbridge.mqtt")) {
            try (RouteJob job = submit(tmp, broker, kafka, ",\n  'decode-error-handling' = 'skip'")) {
                KafkaTopicReader.Numbers numbers = publishSequenceAndReadTheGoodOnes(broker, kafka, job);

                assertThat(numbers.distinct()).isEqualTo(GOOD);
                assertThat(numbers.duplicates()).isZero();
                assertThat(counter(job, "deserializer.decodeErrorsSkipped")).isEqualTo(BAD_PAYLOADS.size());
                assertThat(counter(job, "numRecordsInErrors")).isZero();
                assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            }
            assertThat(logs.warnings("Skipped the MQTT message on topic '" + TOPIC + "' packet id "))
                    .hasSize(BAD_PAYLOADS.size())
                    .noneMatch(line -> line.contains("\"sensor\""));
        }
    }

    @Test
    void deadLetterFilesHoldExactlyTheBadMessages(@TempDir Path tmp) throws Exception {
        Path letters = Files.createDirectories(tmp.resolve("dead-letters"));
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.MOSQUITTO, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                RouteJob job = submit(tmp, broker, kafka, ",\n  'decode-error-handling' = 'dead-letter',\n"
                        + "  'dead-letter.path' = '" + letters.toUri() + "'")) {
            KafkaTopicReader.Numbers numbers = publishSequenceAndReadTheGoodOnes(broker, kafka, job);

            assertThat(numbers.distinct()).isEqualTo(GOOD);
            Set<String> deadPayloads = new HashSet<>();
            List<Path> files;
            try (Stream<Path> list = Files.list(letters)) {
                files = list.collect(Collectors.toList());
            }
            for (Path file : files) {
                JsonNode letter = new ObjectMapper().readTree(Files.readString(file));
                assertThat(letter.get("table").asText()).isEqualTo("readings");
                assertThat(letter.get("topic").asText()).isEqualTo(TOPIC);
                assertThat(letter.get("qos").asInt()).isEqualTo(1);
                assertThat(letter.get("packet-id").asInt()).isPositive();
                assertThat(letter.get("error").asText()).startsWith("Cannot decode ");
                deadPayloads.add(new String(Base64.getDecoder().decode(letter.get("payload").asText()), StandardCharsets.UTF_8));
            }
            assertThat(files).hasSize(BAD_PAYLOADS.size());
            assertThat(deadPayloads).isEqualTo(BAD_PAYLOADS);
            assertThat(counter(job, "deserializer.decodeErrorsDeadLettered")).isEqualTo(BAD_PAYLOADS.size());
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        }
    }

    @Test
    void failFailsTheJobNamingTopicPacketIdAndMessageId(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                LogCapture logs = new LogCapture("io.mqttbridge.mqtt");
                RouteJob job = submit(tmp, broker, kafka, "");
                MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "readings", false)) {
            waitUntilSubscribed(publisher, reader, job);

            publisher.publish(TOPIC, payload(25), 1, p -> p.userProperties().add("message-id", "m-25").applyUserProperties());

            Throwable failure = job.failure(Duration.ofSeconds(45));
            assertThat(job.status()).isEqualTo(JobStatus.FAILED);
            assertThat(ExceptionUtils.stringifyException(failure)).containsPattern(
                    "Cannot decode the payload of the MQTT message on topic '" + TOPIC + "' packet id [1-9][0-9]* "
                            + "message id 'm-25' with format 'json'")
                    .contains("'decode-error-handling'");
            assertThat(logs.errors("The MQTT message on topic '" + TOPIC + "' packet id ")).singleElement()
                    .satisfies(line -> assertThat(line).contains("message id 'm-25'", "failed the job"));
        }
    }

    /**
     * The broker drops a message over the source's Maximum Packet Size for that client (MQTT 5.0
     * 3.1.2.11.4): it never reaches the route, the next one does, and the connection stays up.
     */
    @ParameterizedTest
    @EnumSource(TestBroker.Kind.class)
    void theBrokerDropsAMessageOverTheMaximumPacketSize(TestBroker.Kind kind, @TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(kind, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                RouteJob job = submit(tmp, broker, kafka, ",\n  'maximum-packet-size' = '1 kb'");
                MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "readings", false)) {
            waitUntilSubscribed(publisher, reader, job);

            publisher.publish(TOPIC, "{\"n\":1,\"sensor\":\"" + "x".repeat(2_000) + "\"}", 1, p -> p);
            publisher.publish(TOPIC, "{\"n\":2,\"sensor\":\"" + "y".repeat(900) + "\"}", 1, p -> p);
            publisher.publish(TOPIC, "{\"n\":3,\"sensor\":\"small\"}", 1, p -> p);

            try {
                // waits for both: one subscriber delivers in order, but a miss must show what the source saw
                reader.readUntil(records -> numbers(reader).distinct().containsAll(Set.of(2L, 3L)),
                        Duration.ofSeconds(45), "n = 2 and n = 3", job::assertRunning);
            } catch (AssertionError e) {
                throw new AssertionError(kind + ": " + e.getMessage() + "; the source counted "
                        + counter(job, "mqtt.messagesReceived") + " message(s) received (probes included), "
                        + counter(job, "mqtt.reconnects") + " reconnect(s), "
                        + counter(job, "mqtt.messagesDropped") + " dropped", e);
            }
            assertThat(numbers(reader).distinct()).containsExactly(2L, 3L);
            assertThat(counter(job, "mqtt.reconnects")).isZero();
        }
    }

    // ---------------------------------------------------------------------------------------

    private static RouteJob submit(Path tmp, TestBroker broker, EmbeddedKafka kafka, String options) throws Exception {
        kafka.createTopic("readings", 1);
        Path routes = RouteJob.writeRoutes(tmp, "readings.sql", String.format(ROUTES, options));
        return RouteJob.submit(routes,
                Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers()), new Configuration());
    }

    private static KafkaTopicReader.Numbers publishSequenceAndReadTheGoodOnes(
            TestBroker broker, EmbeddedKafka kafka, RouteJob job) throws Exception {
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri());
                KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "readings", false)) {
            waitUntilSubscribed(publisher, reader, job);
            publisher.publishNumbered(TOPIC, 1, COUNT, PoisonMessageITCase::payload);
            // one subscriber delivers in order: the last good number comes after every bad one
            reader.readUntil(records -> numbers(reader).distinct().contains((long) COUNT - 1), Duration.ofSeconds(60),
                    "number " + (COUNT - 1), job::assertRunning);
            return numbers(reader);
        }
    }

    private static KafkaTopicReader.Numbers numbers(KafkaTopicReader reader) {
        return reader.numbers(record -> {
            Matcher m = NUMBER.matcher(KafkaTopicReader.value(record));
            long n = m.find() ? Long.parseLong(m.group(1)) : -1;
            return n == 0 ? -1 : n; // 0: a probe
        });
    }

    private static void waitUntilSubscribed(MqttTestPublisher publisher, KafkaTopicReader reader, RouteJob job) {
        reader.awaitFirstRecord(i -> publisher.publish("sensors/probe/temp", "{\"n\":0,\"sensor\":\"probe\"}", 1, p -> p),
                "probe reading", Duration.ofSeconds(45), job::assertRunning);
    }

    private static long counter(RouteJob job, String name) {
        return ReportingMiniCluster.counterSum(METRICS, job.client.getJobID(), name);
    }
}
