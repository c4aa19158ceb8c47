package io.mqttbridge.embedded;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaTopicReaderTest {

    @Test
    void readsEveryPartitionAndCountsANumberedSequence(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            kafka.createTopic("numbers", 3);
            Properties p = kafka.clientProperties();
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                // 1..10 without 7, 3 twice, one probe; spread over the partitions by key
                for (long n : new long[] {1, 2, 3, 3, 4, 5, 6, 8, 9, 10, -1}) {
                    ProducerRecord<String, String> record = new ProducerRecord<>("numbers", "k" + n, Long.toString(n));
                    record.headers().add("n", Long.toString(n).getBytes(StandardCharsets.UTF_8));
                    producer.send(record).get();
                }
            }
            try (KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "numbers", false)) {
                reader.readUntil(r -> r.size() == 11, Duration.ofSeconds(60), "11 records", () -> {});
                KafkaTopicReader.Numbers numbers = reader.numbers(r -> Long.parseLong(KafkaTopicReader.value(r)));
                assertThat(numbers.distinct()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 8L, 9L, 10L);
                assertThat(numbers.records()).isEqualTo(10);
                assertThat(numbers.others()).isEqualTo(1);
                assertThat(numbers.duplicates()).isEqualTo(1);
                assertThat(numbers.complete(1, 10)).isFalse();
                assertThat(numbers.complete(1, 6)).isTrue();
                assertThat(numbers.missing(1, 10)).isEqualTo("[7]");
                assertThat(reader.poll()).anySatisfy(r -> {
                    assertThat(KafkaTopicReader.key(r)).isEqualTo("k10");
                    assertThat(KafkaTopicReader.headers(r)).containsEntry("n", "10");
                });
            }
        }
    }

    @Test
    void failsNamingWhatItWaitedFor(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            kafka.createTopic("empty", 1);
            try (KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "empty", true)) {
                assertThatThrownBy(() -> reader.readUntil(r -> !r.isEmpty(), Duration.ofMillis(500), "a record", () -> {}))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("'empty'").hasMessageContaining("a record").hasMessageContaining("read 0 record(s)");
            }
            assertThatThrownBy(() -> KafkaTopicReader.open(kafka.bootstrapServers(), "missing", false))
                    .hasMessageContaining("'missing' does not exist");
        }
    }
}
