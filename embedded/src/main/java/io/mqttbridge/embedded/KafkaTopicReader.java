package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Reads every partition of a Kafka topic from the beginning, as a downstream consumer would
 * (no consumer group, nothing committed), and keeps what it read. With {@code readCommitted} it
 * sees only committed transactions, as an exactly-once consumer does.
 */
@PublicEvolving
public final class KafkaTopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    private KafkaTopicReader(String topic, KafkaConsumer<byte[], byte[]> consumer) {
        this.topic = topic;
        this.consumer = consumer;
    }

    /** Opens a reader of {@code topic}, which must exist (its partitions are read as they are now). */
    public static KafkaTopicReader open(String bootstrapServers, String topic, boolean readCommitted) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("Kafka topic '" + topic + "' does not exist at " + bootstrapServers);
            }
            List<TopicPartition> assigned =
                    partitions.stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            return new KafkaTopicReader(topic, consumer);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Reads what arrived since the last call; returns everything read so far, in the order read. */
    public List<ConsumerRecord<byte[], byte[]>> poll() {
        consumer.poll(POLL).forEach(records::add);
        return new ArrayList<>(records);
    }

    /**
     * Polls until {@code done} holds for everything read so far, calling {@code checkRunning} before
     * each poll (e.g. to fail at once when the job has ended); fails with what was read after
     * {@code timeout} (a bound against hanging, not a timing expectation).
     */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout, String waitingFor, Runnable checkRunning) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records)) {
            checkRunning.run();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Kafka topic '" + topic + "': gave up waiting for " + waitingFor + " after " + timeout
                                + "; read " + records.size() + " record(s): " + describe(records));
            }
            consumer.poll(POLL).forEach(records::add);
        }
        return new ArrayList<>(records);
    }

    /**
     * Waits until a route is subscribed: calls {@code publishProbe} (with a running probe number)
     * until a first record reaches the topic. Probes are sent until then because a message
     * published before the subscription exists is not delivered.
     */
    public void awaitFirstRecord(IntConsumer publishProbe, String probeName, Duration timeout, Runnable checkRunning) {
        int[] probes = {0};
        readUntil(
                read -> {
                    if (!read.isEmpty()) {
                        return true;
                    }
                    publishProbe.accept(probes[0]++);
                    return false;
                },
                timeout,
                "a first " + probeName + " (is the route subscribed?)",
                checkRunning);
    }

    /**
     * The numbered sequence in what was read so far: {@code number} gives each record's number, or
     * a negative value for a record that is not part of the sequence (a probe).
     */
    public Numbers numbers(ToLongFunction<ConsumerRecord<byte[], byte[]>> number) {
        TreeSet<Long> distinct = new TreeSet<>();
        long counted = 0;
        long others = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            long n = number.applyAsLong(record);
            if (n < 0) {
                others++;
            } else {
                counted++;
                distinct.add(n);
            }
        }
        return new Numbers(distinct, counted, others);
    }

    /**
     * A numbered sequence as read: the distinct numbers, how many records carried one, and how many
     * did not (probes).
     */
    public record Numbers(TreeSet<Long> distinct, long records, long others) {

        /** Records that repeat a number already read. */
        public long duplicates() {
            return records - distinct.size();
        }

        /** Every number of {@code first..last} read at least once. */
        public boolean complete(long first, long last) {
            return distinct.subSet(first, true, last, true).size() == last - first + 1;
        }

        /** The first (up to 20) numbers of {@code first..last} not read, for failure messages. */
        public String missing(long first, long last) {
            List<Long> missing = new ArrayList<>();
            for (long n = first; n <= last && missing.size() < 20; n++) {
                if (!distinct.contains(n)) {
                    missing.add(n);
                }
            }
            return missing + (missing.size() == 20 ? "..." : "");
        }
    }

    /** The record's value as UTF-8 text (null for a tombstone). */
    public static String value(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    }

    /** The record's key as UTF-8 text (null without a key). */
    public static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** The record's headers as UTF-8 text, in order (a repeated key: the last value). */
    public static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            result.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return result;
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
