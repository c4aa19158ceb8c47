package io.mqttbridge.tests.kafka;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rough MQTT -> Kafka throughput under ack-on-checkpoint (not part of the build's tests: its class
 * name matches no surefire include, and it only runs when asked for):
 *
 * <pre>
 * mvn -B -o -pl tests -am verify -Dtest=MqttToKafkaThroughputBenchmark -Dmqttbridge.benchmark=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Publishes {@link #MESSAGES} QoS 1 messages from 4 publishers and measures the time until all
 * are in Kafka; parallelism 2, 4 subscribers in a shared group, at-least-once Kafka sink.
 */
@EnabledIfSystemProperty(named = "mqttbridge.benchmark", matches = "true")
class MqttToKafkaThroughputBenchmark {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int MESSAGES = Integer.getInteger("mqttbridge.benchmark.messages", 50_000);
    private static final int PUBLISHERS = 4;

    private static final String ROUTES =
            "CREATE TABLE readings (sensor STRING, seq BIGINT, headers MAP<STRING, BYTES> METADATA VIRTUAL) WITH (\n"
                    + "  'connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', 'topic-filter' = 'bench/+',\n"
                    + "  'shared-group' = 'bench', 'subscribers' = '4', 'format' = 'json');\n"
                    + "CREATE TABLE readings_out (sensor STRING, seq BIGINT, headers MAP<STRING, BYTES> METADATA) WITH (\n"
                    + "  'connector' = 'kafka', 'topic' = 'bench', 'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}',\n"
                    + "  'format' = 'json', 'sink.delivery-guarantee' = 'at-least-once');\n"
                    + "INSERT INTO readings_out SELECT sensor, seq, headers FROM readings;\n";

    @ParameterizedTest(name = "{0}, checkpoint interval {1}")
    @CsvSource({"HIVEMQ, 200 ms", "HIVEMQ, 1 s", "MOSQUITTO, 200 ms", "MOSQUITTO, 1 s"})
    void measure(TestBroker.Kind brokerKind, String checkpointInterval, @TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(brokerKind, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("bench", 2);
            Configuration conf = new Configuration();
            conf.setString("execution.checkpointing.interval", checkpointInterval);
            conf.setString("parallelism.default", "2");
            Path routes = RouteJob.writeRoutes(tmp, "bench.sql", ROUTES);
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            try (RouteJob job = RouteJob.submit(routes, env, conf)) {
                List<MqttTestPublisher> publishers = new ArrayList<>();
                for (int i = 0; i < PUBLISHERS; i++) {
                    publishers.add(MqttTestPublisher.connect(broker.serverUri()));
                }
                // probe until the route delivers: all subscribers are then very likely connected
                long probes = 0;
                while (kafka.endOffset("bench") == 0) {
                    job.assertRunning();
                    publish(publishers.get(0), "probe", -1).get(30, TimeUnit.SECONDS);
                    probes++;
                    Thread.sleep(200);
                }
                Thread.sleep(2_000); // let the other subscribers of the shared group connect
                long baseline = kafka.endOffset("bench");

                long start = System.nanoTime();
                // Each publisher keeps at most the broker's Receive Maximum in flight.
                List<CompletableFuture<?>> pending = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    pending.add(publish(publishers.get(i % PUBLISHERS), "s-" + (i % 50), i));
                }
                CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(5, TimeUnit.MINUTES);
                double publishSeconds = (System.nanoTime() - start) / 1e9;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (kafka.endOffset("bench") - baseline < MESSAGES) {
                    job.assertRunning();
                    assertThat(System.nanoTime()).as("all messages in Kafka within 5 min").isLessThan(deadline);
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "BENCHMARK %s checkpoint=%s: %d messages MQTT -> Kafka in %.1f s = %.0f msg/s (publishing took %.1f s = %.0f msg/s; %d probes)%n",
                        brokerKind, checkpointInterval, MESSAGES, seconds, MESSAGES / seconds, publishSeconds,
                        MESSAGES / publishSeconds, probes);
                publishers.forEach(MqttTestPublisher::close);
            }
        }
    }

    private static CompletableFuture<?> publish(MqttTestPublisher publisher, String sensor, long seq) {
        return publisher.publishAsync(MqttTestPublisher.message(
                "bench/" + sensor, "{\"sensor\":\"" + sensor + "\",\"seq\":" + seq + "}", 1, p -> p));
    }
}
