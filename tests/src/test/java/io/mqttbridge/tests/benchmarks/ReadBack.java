package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Reads a run's Kafka topic back and folds it as it goes: which sequence numbers arrived (for loss
 * and duplicates) and, for messages sent in the measured window, the publish-to-Kafka latency
 * (the topic uses LogAppendTime, so a record's timestamp is the moment Kafka appended it). It keeps
 * no records: KafkaTopicReader keeps every one, which suits tests but would put a million records
 * into the heap being measured.
 */
final class ReadBack implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final long windowStart;
    private final long windowEnd;
    private final BitSet seen = new BitSet();
    private long duplicates;
    private long appendedInWindow;
    /** Slow messages appended further apart than this belong to separate bursts. */
    static final long BURST_GAP_MS = 100;

    private int[] latencies = new int[1 << 16];
    private long[] appended = new long[1 << 16];
    private int latencyCount;

    /** Reads every partition of {@code topic} from the start; the window is in epoch ms of sending. */
    ReadBack(EmbeddedKafka kafka, String topic, long windowStart, long windowEnd) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    /** Reads up to the topic's current end. */
    void readToEnd() {
        var end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                add(record);
            }
        }
    }

    private void add(ConsumerRecord<byte[], byte[]> record) {
        long seq = Payloads.seq(record.value());
        if (seq < 0) {
            return; // a probe
        }
        if (seen.get((int) seq)) {
            duplicates++;
            return;
        }
        seen.set((int) seq);
        long sent = Payloads.sentMillis(record.value());
        if (sent >= windowStart && sent < windowEnd) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencyCount * 2);
                appended = Arrays.copyOf(appended, latencyCount * 2);
            }
            appended[latencyCount] = record.timestamp();
            latencies[latencyCount++] = (int) Math.max(0, record.timestamp() - sent);
        }
        if (record.timestamp() >= windowStart && record.timestamp() < windowEnd) {
            appendedInWindow++;
        }
    }

    /** How many of the numbers {@code 1..last} have not arrived. */
    long missing(long last) {
        return last - seen.get(1, (int) last + 1).cardinality();
    }

    long duplicates() {
        return duplicates;
    }

    /** First arrivals appended to Kafka during the measured window. */
    long appendedInWindow() {
        return appendedInWindow;
    }

    /** p50, p99 and max of the window's latencies in ms; -1s when none. */
    long[] percentiles() {
        if (latencyCount == 0) {
            return new long[] {-1, -1, -1};
        }
        int[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return new long[] {sorted[(int) (0.50 * (latencyCount - 1))], sorted[(int) (0.99 * (latencyCount - 1))], sorted[latencyCount - 1]};
    }

    /**
     * When the slowest 1 % of the window's messages (latency at least p99) reached Kafka: how many
     * bursts they came in (appended more than {@link #BURST_GAP_MS} apart), and the median time from
     * one burst's start to the next's; -1s when none. Bursts as regular as the checkpoint interval
     * point at the checkpoint; at random times, at something else (collections, the machine).
     */
    long[] slowBursts() {
        return slowBursts(latencies, appended, latencyCount, percentiles()[1]);
    }

    /**
     * {@link #slowBursts()} over the first {@code count} messages: {@code latencies[i]} ms late,
     * appended at {@code appended[i]}; the slow ones are those at least {@code threshold} ms late.
     */
    static long[] slowBursts(int[] latencies, long[] appended, int count, long threshold) {
        if (threshold < 0) {
            return new long[] {-1, -1};
        }
        long[] slow = new long[count];
        int slowCount = 0;
        for (int i = 0; i < count; i++) {
            if (latencies[i] >= threshold) {
                slow[slowCount++] = appended[i];
            }
        }
        Arrays.sort(slow, 0, slowCount);
        long[] starts = new long[slowCount];
        int bursts = 0;
        for (int i = 0; i < slowCount; i++) {
            if (i == 0 || slow[i] - slow[i - 1] > BURST_GAP_MS) {
                starts[bursts++] = slow[i];
            }
        }
        if (bursts < 2) {
            return new long[] {bursts, -1};
        }
        long[] spacing = new long[bursts - 1];
        for (int i = 1; i < bursts; i++) {
            spacing[i - 1] = starts[i] - starts[i - 1];
        }
        Arrays.sort(spacing);
        return new long[] {bursts, spacing[spacing.length / 2]};
    }

    @Override
    public void close() {
        consumer.close();
    }
}
