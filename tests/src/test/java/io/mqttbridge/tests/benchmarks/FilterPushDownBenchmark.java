package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.tests.support.ReportingMiniCluster;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gain of filtering before decoding (issue 10): a filter-heavy route (90 % of the messages filtered
 * out by topic) with its WHERE pushed into the mqtt scan, with the same WHERE left in the plan (the
 * table has an explicit 'client-id-prefix', which takes no push-down: every payload is decoded, then
 * filtered), and with the table's 'message-filter' option instead of a WHERE. One broker, one Kafka and
 * one JVM for all three, in one run; prints {@code BENCHMARK} lines and the ratios. Opt-in, never a
 * timing assertion:
 *
 * <pre>
 * mvn -B -o -pl tests -am verify -Dtest=FilterPushDownBenchmark -Dmqttbridge.benchmark=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Workload: {@link #MESSAGES} QoS 1 messages of about 256 bytes of JSON from 4 publishers; parallelism
 * 2, 4 subscribers in a shared group, checkpoints every 200 ms, an at-least-once Kafka sink. Each variant
 * is measured from the first publish until every kept message is in Kafka; CPU is the whole JVM's
 * (Flink, Kafka, publishers; with HiveMQ CE also the broker) over the same span.
 */
@EnabledIfSystemProperty(named = "mqttbridge.benchmark", matches = "true")
class FilterPushDownBenchmark {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = ReportingMiniCluster.of(METRICS, 2);

    private static final int MESSAGES = Integer.getInteger("mqttbridge.benchmark.messages", 100_000);
    private static final int PUBLISHERS = 4;
    /** One message in KEEP_EVERY is on a kept topic. */
    private static final int KEEP_EVERY = 10;

    private enum Variant {
        WHERE_IN_PLAN("WHERE t LIKE 'bench/keep/%'", "", false),
        WHERE_PUSHED("WHERE t LIKE 'bench/keep/%'", "", true),
        MESSAGE_FILTER("", "'message-filter' = '$topic LIKE ''bench/keep/%''', ", true);

        final String where;
        final String option;
        final boolean pushDown;

        Variant(String where, String option, boolean pushDown) {
            this.where = where;
            this.option = option;
            this.pushDown = pushDown;
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestBroker.Kind.class, names = {"MOSQUITTO", "HIVEMQ"})
    void measure(TestBroker.Kind brokerKind, @TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(brokerKind, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            run(broker, kafka, Variant.WHERE_IN_PLAN, MESSAGES / 5, tmp, "warm-up"); // JIT, class loading
            Map<Variant, double[]> results = new LinkedHashMap<>();
            for (Variant variant : Variant.values()) {
                results.put(variant, run(broker, kafka, variant, MESSAGES, tmp, brokerKind.toString()));
            }
            double[] base = results.get(Variant.WHERE_IN_PLAN);
            for (Map.Entry<Variant, double[]> e : results.entrySet()) {
                System.out.printf(Locale.ROOT, "BENCHMARK RATIO %s %s: throughput %.2f x, CPU per message %.2f x (vs WHERE_IN_PLAN)%n",
                        brokerKind, e.getKey(), e.getValue()[0] / base[0], e.getValue()[1] / base[1]);
            }
        }
    }

    /** Returns {msg/s, JVM CPU ms per 1,000 messages}. */
    private static double[] run(TestBroker broker, EmbeddedKafka kafka, Variant variant, int messages, Path tmp, String label)
            throws Exception {
        String name = (label + "-" + variant).toLowerCase(Locale.ROOT).replace('_', '-');
        kafka.createTopic(name, 2);
        Configuration conf = new Configuration();
        conf.setString("parallelism.default", "2");
        Path routes = RouteJob.writeRoutes(tmp, name + ".sql", routes(name, variant));
        Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        try (RouteJob job = RouteJob.submit(routes, env, conf)) {
            List<MqttTestPublisher> publishers = new ArrayList<>();
            for (int i = 0; i < PUBLISHERS; i++) {
                publishers.add(MqttTestPublisher.connect(broker.serverUri()));
            }
            while (kafka.endOffset(name) == 0) { // probe until the route delivers
                job.assertRunning();
                publish(publishers.get(0), "keep", -1).get(30, TimeUnit.SECONDS);
                Thread.sleep(200);
            }
            Thread.sleep(2_000); // let the other subscribers of the shared group connect
            long baseline = kafka.endOffset(name);
            long filteredBefore = filtered(job);

            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                pending.add(publish(publishers.get(i % PUBLISHERS), i % KEEP_EVERY == 0 ? "keep" : "drop", i));
            }
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(5, TimeUnit.MINUTES);
            double publishSeconds = (System.nanoTime() - start) / 1e9;
            long kept = messages / KEEP_EVERY;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (kafka.endOffset(name) - baseline < kept) {
                job.assertRunning();
                assertThat(System.nanoTime()).as("every kept message in Kafka within 5 min").isLessThan(deadline);
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMsPerThousand = (processCpuNanos() - cpuStart) / 1e6 / (messages / 1000.0);
            long filtered = filtered(job) - filteredBefore;
            System.out.printf(Locale.ROOT,
                    "BENCHMARK %s %s: %d messages (%d kept) in %.1f s = %.0f msg/s through the route; publishing %.0f msg/s; "
                            + "JVM CPU %.0f ms per 1,000 messages; filtered before decoding: %d%n",
                    label, variant, messages, kept, seconds, messages / seconds, messages / publishSeconds,
                    cpuMsPerThousand, filtered);
            // what is measured must be what is named: the variant filters where it says it does
            if (variant == Variant.WHERE_IN_PLAN) {
                assertThat(filtered).as("with push-down off nothing is filtered before decoding").isZero();
            } else {
                assertThat(filtered).as("filtered before decoding").isGreaterThanOrEqualTo(messages - kept);
            }
            publishers.forEach(MqttTestPublisher::close);
            return new double[] {messages / seconds, cpuMsPerThousand};
        }
    }

    private static String routes(String name, Variant variant) {
        return "CREATE TABLE readings (sensor STRING, seq BIGINT, site STRING, firmware STRING, status STRING, "
                + "temperature DOUBLE, humidity DOUBLE, pressure DOUBLE, battery DOUBLE, rssi INT, "
                + "t STRING NOT NULL METADATA FROM 'topic' VIRTUAL) WITH (\n"
                + "  'connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', 'topic-filter' = 'bench/#',\n"
                + "  'shared-group' = '" + name + "', 'subscribers' = '4', "
                + (variant.pushDown ? "" : "'client-id-prefix' = '" + name + "', ") + variant.option + "'format' = 'json');\n"
                + "CREATE TABLE readings_out (sensor STRING, seq BIGINT) WITH (\n"
                + "  'connector' = 'kafka', 'topic' = '" + name + "', 'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}',\n"
                + "  'format' = 'json', 'sink.delivery-guarantee' = 'at-least-once');\n"
                + "INSERT INTO readings_out SELECT sensor, seq FROM readings " + variant.where + ";\n";
    }

    /** About 256 bytes of JSON, as the workload. */
    private static CompletableFuture<?> publish(MqttTestPublisher publisher, String kind, long seq) {
        String sensor = "s-" + (seq % 50);
        String payload = String.format(Locale.ROOT,
                "{\"sensor\":\"%s\",\"seq\":%d,\"site\":\"plant-north-hall-7\",\"firmware\":\"2.14.3-rc1\","
                        + "\"status\":\"nominal\",\"temperature\":%.2f,\"humidity\":%.2f,\"pressure\":%.1f,"
                        + "\"battery\":%.3f,\"rssi\":%d,\"note\":\"periodic reading, no alarms raised\"}",
                sensor, seq, 20 + seq % 10 / 3.0, 40 + seq % 7 / 2.0, 1013 + seq % 5 / 4.0, 0.9 - seq % 9 / 100.0, -60 - seq % 20);
        return publisher.publishAsync(MqttTestPublisher.message("bench/" + kind + "/" + sensor, payload, 1, p -> p));
    }

    private static long filtered(RouteJob job) {
        long total = 0;
        for (Metric metric : METRICS.findMetrics(job.client.getJobID(), "deserializer.messagesFiltered").values()) {
            total += ((Counter) metric).getCount();
        }
        return total;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
