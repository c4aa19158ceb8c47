package io.mqttbridge.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaTest {

    @Test
    void producedRecordsAreConsumedInOrderWithAutoCreatedTopic(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(kafka.port()).isPositive();
            assertThat(kafka.endOffset("round-trip")).isZero();

            Properties p = kafka.clientProperties();
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("round-trip", "k" + i, "v" + i)).get();
                }
            }
            assertThat(kafka.topics()).contains("round-trip");
            assertThat(kafka.endOffset("round-trip")).isEqualTo(10);

            Properties c = kafka.clientProperties();
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "test");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            List<String> seen = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
                consumer.subscribe(List.of("round-trip"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (seen.size() < 10 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        seen.add(r.key() + "=" + r.value());
                    }
                }
            }
            assertThat(seen).containsExactly(
                    "k0=v0", "k1=v1", "k2=v2", "k3=v3", "k4=v4", "k5=v5", "k6=v6", "k7=v7", "k8=v8", "k9=v9");

            kafka.createTopic("two", 2);
            kafka.createTopic("two", 2); // exists: no error
            assertThat(kafka.endOffsets(List.of("two", "round-trip", "missing")))
                    .containsOnlyKeys("two", "round-trip")
                    .containsEntry("two", 0L);
        }
    }

    @Test
    void listensOnTheRequestedPort(@TempDir Path dir) throws Exception {
        int port = FreePorts.pick();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(port, dir.resolve("kafka"))) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            // Something really listens there: the port is taken now.
            assertThatThrownBy(() -> new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()).close())
                    .isInstanceOf(java.net.BindException.class);
            kafka.createTopic("on-fixed-port", 1);
            assertThat(kafka.topics()).contains("on-fixed-port");
        }
    }

    @Test
    void refusesANonEmptyDataDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("leftover"), "x");
        assertThatThrownBy(() -> EmbeddedKafka.start(0, dir))
                .hasMessageContaining("not empty")
                .hasMessageContaining(dir.toString());
    }
}
