package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe of docs/recipes/kafka-topic-per-site.md: {@code sql/kafka-topic-per-site.sql} on a
 * MiniCluster with HiveMQ CE and Kafka. Each message of {@code sites/<site>/temperature} lands in
 * Kafka topic {@code temp-<site>} and in no other. With the topic list, sites the route does not list
 * land nowhere; with the recipe's {@code topic-pattern} variant every site gets its topic, created by
 * the broker on first write.
 */
class KafkaTopicPerSiteITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final List<String> LISTED = List.of("s1", "s2", "s3");
    private static final List<String> PUBLISHED = List.of("s1", "s2", "s3", "s4", "s10");

    /** How the Kafka table names its topics. */
    enum Topics {
        /** {@code 'topic' = 'temp-s1;temp-s2;temp-s3'}, the file as shipped. */
        LIST,
        /** {@code 'topic-pattern' = 'temp-.*'} and no WHERE, as the recipe page shows. */
        PATTERN
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TOPIC_LIST = "'topic'                        = 'temp-s1;temp-s2;temp-s3'";
    private static final String TOPIC_PATTERN = "'topic-pattern'                = 'temp-.*'";
    private static final String WHERE = "\nWHERE MQTT_TOPIC_LEVEL(mqtt_topic, 2) IN ('s1', 's2', 's3')";

    @Test
    void theRecipePageShowsTheRoutesFileAndItsPatternVariantAsTested() throws Exception {
        String file = Files.readString(RepositoryRoot.resolve("sql/kafka-topic-per-site.sql"));
        String page = Files.readString(RepositoryRoot.resolve("docs/recipes/kafka-topic-per-site.md"));
        assertThat(page).contains(file.substring(file.indexOf("CREATE TABLE")));
        assertThat(file).contains(TOPIC_LIST, WHERE);
        String insert = file.substring(file.indexOf("INSERT INTO"));
        assertThat(page).contains(TOPIC_PATTERN + ",", insert.replace(WHERE, ""));
    }

    @ParameterizedTest
    @EnumSource(Topics.class)
    void eachMessageLandsInTheTopicOfItsSiteOnly(Topics topics, @TempDir Path tmp) throws Exception {
        Path routes = RepositoryRoot.resolve("sql/kafka-topic-per-site.sql");
        List<String> sites = LISTED;
        if (topics == Topics.PATTERN) {
            // The variant the recipe page shows (checked above): topic-pattern instead of the list, no WHERE.
            routes = RouteJob.writeRoutes(tmp, "kafka-topic-pattern.sql", Files.readString(routes)
                    .replace(TOPIC_LIST, TOPIC_PATTERN)
                    .replace(WHERE, ""));
            assertThat(Files.readString(routes)).contains(TOPIC_PATTERN).doesNotContain("temp-s1;", "IN (");
            sites = PUBLISHED;
        }
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            if (topics == Topics.LIST) {
                // As on a cluster (and as ./run-local does from the table's topic list): the topics exist.
                LISTED.forEach(site -> kafka.createTopic("temp-" + site, 1));
            }
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            Map<String, KafkaTopicReader> readers = new LinkedHashMap<>();
            try (RouteJob job = RouteJob.submit(routes, env, new Configuration());
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri())) {
                if (topics == Topics.PATTERN) {
                    // Nothing pre-creates these: the first write of each site creates its topic.
                    awaitTopicsCreated(kafka, publisher, sites, job);
                }
                sites.forEach(site -> readers.put(site, KafkaTopicReader.open(kafka.bootstrapServers(), "temp-" + site, false)));

                readers.get("s1").awaitFirstRecord(
                        n -> publish(publisher, new Reading("s1", "probe-" + n, 0.0, n)), "probe reading", Duration.ofSeconds(45),
                        job::assertRunning);

                // With the list, s4 and s10 are not listed: the WHERE drops them (a row for an unlisted topic
                // would fail the job).
                List<Reading> sent = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    Reading r = new Reading(PUBLISHED.get(i % PUBLISHED.size()), "t-" + i, -10.0 + i * 0.75, 1_764_337_200_000L + i);
                    publish(publisher, r);
                    sent.add(r);
                }
                // One subscriber and one producer keep each site's order: once a site's last reading is in
                // its topic, every earlier one routed there is too.
                for (String site : sites) {
                    Reading last = new Reading(site, "last-" + site, 99.5, 1_764_337_299_999L);
                    publish(publisher, last);
                    sent.add(last);
                }

                for (String site : sites) {
                    List<ConsumerRecord<byte[], byte[]>> records = readers.get(site).readUntil(
                            rs -> rs.stream().anyMatch(r -> key(r).equals("last-" + site)), Duration.ofSeconds(45),
                            "the last reading of site " + site, job::assertRunning);
                    List<Reading> routed = new ArrayList<>();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        Reading reading = Reading.of(record);
                        assertThat(key(record)).isEqualTo(reading.sensor);
                        if (!reading.sensor.startsWith("probe-")) {
                            routed.add(reading);
                        }
                    }
                    List<Reading> expected = sent.stream().filter(r -> r.site.equals(site)).collect(Collectors.toList());
                    assertThat(expected).hasSizeGreaterThan(20); // every site gets its share
                    assertThat(routed).as("records of topic temp-%s", site).containsExactlyElementsOf(expected);
                }
                // Nothing was written to any other topic (the broker would have created it).
                assertThat(kafka.topics()).containsExactlyInAnyOrderElementsOf(
                        sites.stream().map(site -> "temp-" + site).collect(Collectors.toList()));
                job.assertRunning();
            } finally {
                readers.values().forEach(KafkaTopicReader::close);
            }
        }
    }

    /** Publishes a probe reading per site until the route has written (and so created) each site's topic. */
    private static void awaitTopicsCreated(EmbeddedKafka kafka, MqttTestPublisher publisher, List<String> sites, RouteJob job)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        for (int n = 0; !kafka.topics().containsAll(sites.stream().map(site -> "temp-" + site).collect(Collectors.toList())); n++) {
            job.assertRunning();
            assertThat(System.nanoTime()).as("topics of %s created within 45 s; have %s", sites, kafka.topics()).isLessThan(deadline);
            for (String site : sites) {
                publish(publisher, new Reading(site, "probe-" + n, 0.0, n));
            }
            Thread.sleep(200);
        }
    }

    private static void publish(MqttTestPublisher publisher, Reading reading) {
        publisher.publish("sites/" + reading.site + "/temperature", reading.json(), 1, p -> p);
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    /** One temperature reading: the MQTT topic names the site, the payload does not. */
    private record Reading(String site, String sensor, double celsius, long ts) {

        String json() {
            return String.format(Locale.ROOT, "{\"sensor\":\"%s\",\"celsius\":%s,\"ts\":%d}", sensor, celsius, ts);
        }

        /** The Kafka value: the payload's fields and the site taken from the MQTT topic. */
        static Reading of(ConsumerRecord<byte[], byte[]> record) throws Exception {
            JsonNode value = JSON.readTree(record.value());
            List<String> fields = new ArrayList<>();
            value.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("site", "sensor", "celsius", "ts");
            return new Reading(value.get("site").asText(), value.get("sensor").asText(), value.get("celsius").asDouble(),
                    value.get("ts").asLong());
        }
    }
}
