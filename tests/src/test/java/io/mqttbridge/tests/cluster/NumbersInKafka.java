package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.EmbeddedHiveMq;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The numbers {@code {"n": N}} in a one-partition Kafka topic, read from the beginning as a
 * downstream consumer would; negative numbers are probes and counted apart.
 */
final class NumbersInKafka implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TreeSet<Long> numbers = new TreeSet<>();
    long records;
    long probes;

    NumbersInKafka(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partition = List.of(new TopicPartition(topic, 0));
        consumer.assign(partition);
        consumer.seekToBeginning(partition);
    }

    /** Reads what arrived since the last call; returns every number read so far. */
    TreeSet<Long> poll() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            long n;
            try {
                n = JSON.readTree(record.value()).get("n").asLong();
            } catch (Exception e) {
                throw new AssertionError("Unexpected Kafka record: " + new String(record.value(), StandardCharsets.UTF_8), e);
            }
            if (n < 0) {
                probes++;
            } else {
                records++;
                numbers.add(n);
            }
        }
        return numbers;
    }

    /** The first numbers of 1..count not read, for failure messages. */
    String missing(long count) {
        List<Long> missing = new ArrayList<>();
        for (long n = 1; n <= count && missing.size() < 20; n++) {
            if (!numbers.contains(n)) {
                missing.add(n);
            }
        }
        return missing + (missing.size() == 20 ? "..." : "");
    }

    /**
     * Publishes probes (negative numbers) to {@code numbers/probe} until one arrives: the route's
     * shared subscription exists, and numbers published from now on are not dropped by the broker.
     */
    void awaitSubscribed(EmbeddedHiveMq mqtt, StandaloneFlinkCluster flink) throws InterruptedException {
        long[] sent = {0};
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5().identifier("probe").serverHost("127.0.0.1").serverPort(mqtt.port()).buildBlocking();
        client.connect();
        try {
            flink.await(() -> {
                client.publishWith().topic("numbers/probe").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"n\":" + (-1 - sent[0]++) + "}").getBytes(StandardCharsets.UTF_8)).send();
                poll();
                return probes > 0;
            }, Duration.ofSeconds(90), () -> "a probe message through the route (is it subscribed?); job exceptions: " + flink.jobExceptions());
        } finally {
            client.disconnect();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
