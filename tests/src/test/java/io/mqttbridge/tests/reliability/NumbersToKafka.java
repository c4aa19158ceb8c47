package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.tests.support.RouteJob;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The MiniCluster workload of the broker and Kafka kinds: numbers published as raw text to {@code
 * <base>/n}, routed by a shared-group mqtt table with {@value #SUBSCRIBERS} subscribers into a
 * one-partition Kafka topic; probes ({@code probe-<tag>}) go to {@code <base>/probe} and are
 * counted apart.
 */
final class NumbersToKafka {

    static final int SUBSCRIBERS = 2;

    private NumbersToKafka() {}

    /** The routes file; {@code mqttOptions} adds options to the mqtt table, e.g. {@code , 'session-lost' = 'log'}. */
    static Path routes(Path folder, String base, String topic, String mqttOptions) throws Exception {
        return RouteJob.writeRoutes(folder, base + ".sql", String.join("\n",
                "CREATE TABLE numbers_in (payload STRING) WITH ('connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', "
                        + "'topic-filter' = '" + base + "/#', 'shared-group' = '" + base + "', 'subscribers' = '" + SUBSCRIBERS
                        + "', 'client-id-prefix' = '" + base + "', 'qos' = '1', 'format' = 'raw'" + mqttOptions + ");",
                "CREATE TABLE numbers_out (payload STRING) WITH ('connector' = 'kafka', 'topic' = '" + topic + "', "
                        + "'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}', 'format' = 'raw', "
                        + "'sink.delivery-guarantee' = 'at-least-once');",
                "INSERT INTO numbers_out SELECT payload FROM numbers_in;"));
    }

    /** The number a record carries, or -1 for a probe. */
    static long number(ConsumerRecord<byte[], byte[]> record) {
        String value = KafkaTopicReader.value(record);
        return value.startsWith("probe-") ? -1 : Long.parseLong(value);
    }

    static KafkaTopicReader.Numbers read(KafkaTopicReader reader) {
        reader.poll();
        return reader.numbers(NumbersToKafka::number);
    }

    /**
     * Publishes probes tagged {@code tag} until one reaches Kafka: the route is subscribed and
     * delivers. Returns how long that took.
     */
    static Duration awaitProbe(String serverUri, String base, String tag, KafkaTopicReader reader, RouteJob job) {
        long start = System.nanoTime();
        String payload = "probe-" + tag;
        try (MqttTestPublisher prober = MqttTestPublisher.connect(serverUri)) {
            reader.readUntil(records -> {
                if (records.stream().anyMatch(r -> payload.equals(KafkaTopicReader.value(r)))) {
                    return true;
                }
                prober.publish(base + "/probe", payload, 1);
                return false;
            }, Duration.ofSeconds(120), "probe " + tag, job::assertRunning);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The sum of a source counter or gauge over the job's readers, as the in-memory reporter holds it. */
    static long metric(InMemoryReporter metrics, JobID job, String name) {
        long total = 0;
        for (Metric m : metrics.findMetrics(job, name).values()) {
            total += m instanceof Counter ? ((Counter) m).getCount() : ((Number) ((Gauge<?>) m).getValue()).longValue();
        }
        return total;
    }

    /** Polls {@code condition} every 100 ms; fails after {@code timeout} (a bound against hanging). */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up waiting for " + what + " after " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
