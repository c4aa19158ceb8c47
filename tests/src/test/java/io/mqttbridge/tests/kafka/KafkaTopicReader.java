package io.mqttbridge.tests.kafka;

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
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Reads a topic from the beginning, as a downstream consumer would. */
final class KafkaTopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final String topic;

    /** @param readCommitted true for isolation.level=read_committed (what exactly-once consumers use) */
    KafkaTopicReader(String bootstrapServers, String topic, int partitions, boolean readCommitted) {
        this.topic = topic;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topic, p));
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
    }

    /**
     * Waits until the route is subscribed: calls {@code publishProbe} (with a running probe number)
     * until a first record reaches the topic. Probes are published until then because a message
     * published before the subscription exists is not delivered.
     */
    void awaitFirstRecord(IntConsumer publishProbe, String probeName, Runnable checkJobIsRunning) {
        int[] probes = {0};
        readUntil(
                records -> {
                    if (!records.isEmpty()) {
                        return true;
                    }
                    publishProbe.accept(probes[0]++);
                    return false;
                },
                Duration.ofSeconds(45),
                "a first " + probeName + " (is the route subscribed?)",
                checkJobIsRunning);
    }

    /**
     * Polls until {@code done} holds for everything read so far; fails with what was read after
     * {@code timeout} (a bound against hanging, not a timing expectation).
     */
    List<ConsumerRecord<byte[], byte[]>> readUntil(
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout,
            String waitingFor,
            Runnable checkJobIsRunning) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records)) {
            checkJobIsRunning.run();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Kafka topic '" + topic + "': gave up waiting for " + waitingFor + " after " + timeout
                                + "; read " + records.size() + " record(s): " + describe(records));
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return new ArrayList<>(records);
    }

    static String value(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    }

    private static String describe(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .limit(20)
                .map(KafkaTopicReader::value)
                .collect(Collectors.joining(", ", "[", records.size() > 20 ? ", ...]" : "]"));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
