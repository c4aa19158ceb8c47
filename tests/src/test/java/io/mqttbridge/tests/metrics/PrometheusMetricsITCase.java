package io.mqttbridge.tests.metrics;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.routes.RoutesFile;
import io.mqttbridge.routes.RoutesRunner;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running route job with Flink's Prometheus reporter enabled, as k8s/flink-deployment.yaml enables
 * it: the endpoint serves the MQTT source's metrics (connections, messages received, acks pending and
 * sent, reconnects), the Kafka sink's, and the route metrics (group 'route': messages written and
 * failed, synchronisation latency) of the HTTP function sink and the mqtt sink, with values that
 * match what flowed. The rocketmq sink registers the same route metrics (RocketMqSinkMetricsTest).
 */
class PrometheusMetricsITCase {

    private static final int PROMETHEUS_PORT = FreePorts.pick();
    private static final int MESSAGES = 100;
    private static final int SUBSCRIBERS = 2;

    /** Every metric of the source, by its Prometheus name (the scope of an operator, then the 'mqtt' group). */
    static final String MQTT = "flink_taskmanager_job_task_operator_mqtt_";
    /** The HTTP function sink's metrics (writer scope, then the 'function' group). */
    static final String FUNCTION = "flink_taskmanager_job_task_operator_function_";
    /** The metrics every sink of ours reports alike (writer scope, then the 'route' group), one sample per sink subtask. */
    static final String ROUTE = "flink_taskmanager_job_task_operator_route_";
    /** Label of the mqtt sink's writer samples. */
    static final String ECHO = "operator_name=\"readings_echo";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(reporterConfiguration())
                    .build());

    private static Configuration reporterConfiguration() {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.prom.factory.class", PrometheusReporterFactory.class.getName());
        conf.setString("metrics.reporter.prom.port", String.valueOf(PROMETHEUS_PORT));
        return conf;
    }

    @Test
    void prometheusEndpointServesTheConnectorMetricsOfARunningJob(@TempDir Path tmp) throws Exception {
        try (FunctionEndpoint function = FunctionEndpoint.start();
                EmbeddedHiveMq mqtt = EmbeddedHiveMq.start(FreePorts.pick(), tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"))) {
            kafka.createTopic("readings", 1);
            Path routes = Files.writeString(tmp.resolve("routes.sql"), String.join("\n",
                    "CREATE TABLE readings (v INT) WITH ('connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}',",
                    "  'topic-filter' = 'sensors/+', 'shared-group' = 'metrics-test', 'subscribers' = '" + SUBSCRIBERS + "',",
                    "  'qos' = '1', 'format' = 'json');",
                    "CREATE TABLE readings_out (v INT) WITH ('connector' = 'kafka', 'topic' = 'readings',",
                    "  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}', 'format' = 'json',",
                    "  'sink.delivery-guarantee' = 'at-least-once');",
                    "CREATE TABLE readings_fn (v INT) WITH ('connector' = 'http-function', 'url' = '${env:FUNCTION_URL}');",
                    "CREATE TABLE readings_echo (v INT) WITH ('connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}',",
                    "  'topic' = 'echo/readings', 'qos' = '1', 'format' = 'json');",
                    "INSERT INTO readings_out SELECT v FROM readings;",
                    "INSERT INTO readings_fn SELECT v FROM readings;",
                    "INSERT INTO readings_echo SELECT v FROM readings;"));
            Configuration conf = new Configuration();
            conf.setString("execution.checkpointing.interval", "200 ms");
            conf.setString("parallelism.default", "2");
            JobClient job = RoutesRunner.execute(
                            StreamExecutionEnvironment.getExecutionEnvironment(conf),
                            RoutesFile.load(routes, Map.of("MQTT_URI", mqtt.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                                    "FUNCTION_URL", function.url("/fn"))))
                    .getJobClient().orElseThrow();
            try {
                // connectionsUp counts a connection once its subscription is acknowledged: nothing published after is lost
                PrometheusScrape connected = awaitScrape(s -> source(s, "connectionsUp") == SUBSCRIBERS, "both subscriber connections up");
                assertThat(connected.sum(MQTT + "messagesReceived")).isZero();

                try (MqttTestPublisher publisher = MqttTestPublisher.connect(mqtt.serverUri(), "metrics-publisher")) {
                    for (int i = 0; i < MESSAGES; i++) {
                        publisher.publish("sensors/s-" + (i % 5), "{\"v\":" + i + "}", 1);
                    }
                }

                // acks go out when the checkpoint covering the messages completes
                PrometheusScrape done = awaitScrape(
                        s -> s.sum(MQTT + "acksSent") == MESSAGES && s.sum(MQTT + "acksPending") == 0
                                && s.sum(FUNCTION + "recordsSent") == MESSAGES
                                && s.sum(ROUTE + "messagesWritten", ECHO) == MESSAGES,
                        "all acks sent, all records at the function and published by the mqtt sink");
                Files.writeString(Path.of("target", "prometheus-scrape.txt"), done.text);

                assertThat(done.sum(MQTT + "messagesReceived")).isEqualTo(MESSAGES);
                assertThat(done.samples(MQTT + "messagesReceived")).isEqualTo(2); // one per source subtask
                assertThat(done.samples(MQTT + "messagesDropped")).isEqualTo(2);
                assertThat(done.sum(MQTT + "messagesDropped")).isZero();
                assertThat(source(done, "connectionsUp")).isEqualTo(SUBSCRIBERS);
                assertThat(done.sum(MQTT + "reconnects")).isZero(); // source and mqtt sink
                assertThat(done.sum(MQTT + "connectionsUp", ECHO)).as("mqtt sink subtasks connected").isEqualTo(2);
                assertThat(done.sum(MQTT + "acksIgnored")).isZero();
                // the Kafka sink: records sent and failures (Flink's sink writer metrics)
                String kafkaWriter = "operator_name=\"readings_out";
                assertThat(done.sum("flink_taskmanager_job_task_operator_numRecordsSend", kafkaWriter)).isEqualTo(MESSAGES);
                assertThat(done.sum("flink_taskmanager_job_task_operator_numRecordsSendErrors")).isZero();
                assertThat(done.samples("flink_taskmanager_job_task_operator_currentSendTime")).isPositive();
                assertThat(done.sum("flink_taskmanager_job_task_operator_deserializer_numPayloadsSkipped")).isZero();
                assertThat(kafka.endOffset("readings")).isEqualTo(MESSAGES);
                // the HTTP function sink
                assertThat(done.sum(FUNCTION + "invocations")).isBetween(1.0, (double) MESSAGES);
                assertThat(done.sum(FUNCTION + "invocationsFailed")).isZero();
                assertThat(done.sum(FUNCTION + "retries")).isZero();
                assertThat(done.sum(FUNCTION + "recordsSkipped")).isZero();
                assertThat(done.sum(FUNCTION + "invocationLatencyMs_count")).isEqualTo(done.sum(FUNCTION + "invocations"));
                assertThat(done.samples(FUNCTION + "batchSize")).isPositive();
                assertThat(done.sum("flink_taskmanager_job_task_operator_numRecordsSend", "operator_name=\"readings_fn")).isEqualTo(MESSAGES);
                // the route metrics, the same names for every sink of ours
                for (String sink : new String[] {"readings_fn", "readings_echo"}) {
                    String writer = "operator_name=\"" + sink;
                    assertThat(done.sum(ROUTE + "messagesWritten", writer)).as(sink).isEqualTo(MESSAGES);
                    assertThat(done.sum(ROUTE + "messagesFailed", writer)).as(sink).isZero();
                    // -1 until a subtask's first acknowledgement: a subtask that wrote shows its latest latency
                    assertThat(done.max(ROUTE + "syncLatencyMs", writer)).as(sink).isNotNegative();
                }
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The mqtt sink registers connectionsUp and reconnects in the same 'mqtt' group: the source's part of a sum. */
    private static double source(PrometheusScrape s, String metric) {
        return s.sum(MQTT + metric) - s.sum(MQTT + metric, ECHO);
    }

    private static PrometheusScrape awaitScrape(java.util.function.Predicate<PrometheusScrape> done, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        PrometheusScrape last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = PrometheusScrape.of(PROMETHEUS_PORT);
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException | PrometheusScrape.MetricMissing e) {
                // the reporter starts with the first TaskManager metrics; a metric appears once registered
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Gave up waiting for " + what + "; mqtt metrics: "
                + (last == null ? "(no scrape)" : last.names("mqtt") + "\n" + last.text.lines().filter(l -> l.contains("_mqtt_")).reduce("", (a, b) -> a + b + "\n")));
    }
}
