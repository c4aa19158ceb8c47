package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;

/**
 * The route of cluster/numbers-to-kafka.sql as the cluster tests drive it: devices publish {@code
 * {"n": N}} to {@code numbers/<device>}, the route copies them into a one-partition Kafka topic.
 * Probes carry negative numbers and are counted apart.
 */
final class NumbersRoute {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NumbersRoute() {}

    /** The payload of number {@code n}. */
    static String payload(long n) {
        return "{\"n\":" + n + "}";
    }

    /** The number a record carries (negative: a probe). */
    static long number(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value()).get("n").asLong();
        } catch (Exception e) {
            throw new AssertionError("Unexpected Kafka record: " + KafkaTopicReader.value(record), e);
        }
    }

    /** Reads what arrived and returns the numbers read so far. */
    static KafkaTopicReader.Numbers read(KafkaTopicReader reader) {
        reader.poll();
        return reader.numbers(NumbersRoute::number);
    }

    /**
     * Publishes probes (negative numbers) to {@code numbers/probe} until one arrives: the route's
     * shared subscription exists, and numbers published from now on are not dropped by the broker.
     */
    static void awaitSubscribed(MqttTestPublisher publisher, KafkaTopicReader reader, StandaloneFlinkCluster flink)
            throws InterruptedException {
        long[] sent = {0};
        flink.await(() -> {
            publisher.publish("numbers/probe", payload(-1 - sent[0]++), 1);
            return read(reader).others() > 0;
        }, Duration.ofSeconds(90), () -> "a probe message through the route (is it subscribed?); job exceptions: " + flink.jobExceptions());
    }
}
