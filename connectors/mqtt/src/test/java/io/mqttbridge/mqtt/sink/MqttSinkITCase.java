package io.mqttbridge.mqtt.sink;

import io.mqttbridge.connector.testing.SinkWriterMetricGroups;
import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.LoopbackBroker;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.mqttbridge.connector.testing.SinkWriterContexts.NO_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The mqtt sink on real brokers: every QoS 1 publish arrives, across a broker restart too; SQL routes by
 * topic column; a second client with the sink's client id fails the writer instead of a takeover loop.
 */
class MqttSinkITCase {

    @TempDir Path folder;

    /** A subscriber to {@code filter} that collects payloads (distinct) and counts deliveries. */
    static final class Collector implements AutoCloseable {
        final Set<String> payloads = ConcurrentHashMap.newKeySet();
        final List<Mqtt5Publish> messages = new CopyOnWriteArrayList<>();
        final AtomicLong deliveries = new AtomicLong();
        final Mqtt5AsyncClient client;

        Collector(int port, String filter) throws Exception {
            this(port, filter, "it-collector");
        }

        Collector(int port, String filter, String clientId) throws Exception {
            client = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                    .serverPort(port).automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS)
                    .maxDelay(1, TimeUnit.SECONDS).applyAutomaticReconnect().buildAsync();
            client.publishes(MqttGlobalPublishFilter.ALL, p -> {
                deliveries.incrementAndGet();
                messages.add(p);
                payloads.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            });
            // a persistent session, so that what the broker queued while the collector was away is delivered
            client.connectWith().cleanStart(false).sessionExpiryInterval(600).send().get(30, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().get(30, TimeUnit.SECONDS);
        }

        void awaitPayloads(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (payloads.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        @Override
        public void close() {
            client.disconnect().exceptionally(e -> null);
        }
    }

    private static LoopbackBroker start(String kind, int port, Path folder) throws IOException {
        return kind.equals("hivemq") ? EmbeddedHiveMq.start(port, folder) : MosquittoBroker.start(port, folder);
    }

    private static MqttSink<Long> numberedSink(String serverUri) {
        return MqttSink.<Long>builder()
                .setServerUri(serverUri)
                .setClientIdPrefix("it-sink")
                .setQos(1)
                .setOption(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(100))
                .setOption(MqttOptions.RECONNECT_BACKOFF_MAX, Duration.ofSeconds(1))
                .setSerializer(n -> MqttMessage.builder()
                        .setTopic("it/numbers/" + (n % 4))
                        .setPayload(Long.toString(n).getBytes(StandardCharsets.UTF_8))
                        .setQos(1)
                        .build())
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hivemq", "mosquitto"})
    void everyQos1PublishArrives(String kind) throws Exception {
        int count = 5_000;
        try (LoopbackBroker broker = start(kind, FreePorts.pick(), folder);
                Collector collector = new Collector(broker.port(), "it/numbers/#")) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.fromSequence(1, count).sinkTo(numberedSink(broker.serverUri()));
            env.execute("mqtt-sink-" + kind);
            // the job ends after flush(endOfInput): the broker has acknowledged all of them
            collector.awaitPayloads(count);
            assertThat(collector.payloads).hasSize(count);
            for (long n = 1; n <= count; n++) {
                assertThat(collector.payloads).contains(Long.toString(n));
            }
        }
    }

    @Test
    void aBrokerRestartInTheMiddleLosesNothing() throws Exception {
        int count = 3_000;
        int port = FreePorts.pick();
        Path data = Files.createDirectories(folder.resolve("mosquitto"));
        String persistence = MosquittoBroker.persistence(data);
        LoopbackBroker broker = MosquittoBroker.start(port, data, persistence);
        try (Collector collector = new Collector(port, "it/numbers/#")) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromSequence(1, count).map(n -> {
                Thread.sleep(2); // spread the publishes over the restart
                return n;
            }).sinkTo(numberedSink("tcp://127.0.0.1:" + port));
            var job = env.executeAsync("mqtt-sink-restart");
            collector.awaitPayloads(count / 5);
            assertThat(collector.payloads.size()).as("received before the restart").isLessThan(count);
            broker.close();
            broker = MosquittoBroker.start(port, data, persistence);
            job.getJobExecutionResult().get(180, TimeUnit.SECONDS);
            collector.awaitPayloads(count);
            assertThat(collector.payloads).hasSize(count);
        } finally {
            broker.close();
        }
    }

    @Test
    void aSqlRouteLandsOnTheTopicOfEachRowWithItsUserProperties() throws Exception {
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(FreePorts.pick(), folder);
                Collector collector = new Collector(broker.port(), "devices/#")) {
            TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
            tEnv.executeSql("CREATE TABLE commands (vin STRING, command STRING,"
                    + " mqtt_topic STRING METADATA FROM 'topic', props MAP<STRING, STRING> METADATA FROM 'user-properties')"
                    + " WITH ('connector' = 'mqtt', 'server-uri' = '" + broker.serverUri() + "', 'format' = 'json',"
                    + " 'topic' = 'devices/unrouted/commands', 'qos' = '1')");
            tEnv.executeSql("INSERT INTO commands SELECT vin, command,"
                    + " CASE WHEN vin = 'v-0' THEN CAST(NULL AS STRING) ELSE 'devices/' || vin || '/commands' END,"
                    + " MAP['message-id', 'm-' || vin, 'source', 'it']"
                    + " FROM (VALUES ('v-0', 'lock'), ('v-1', 'unlock'), ('v-2', 'honk')) AS t(vin, command)").await();
            collector.awaitPayloads(3);
            assertThat(collector.messages).hasSize(3);
            Map<String, Mqtt5Publish> byTopic = new ConcurrentHashMap<>();
            collector.messages.forEach(m -> byTopic.put(m.getTopic().toString(), m));
            assertThat(byTopic).containsOnlyKeys("devices/unrouted/commands", "devices/v-1/commands", "devices/v-2/commands");
            Mqtt5Publish v1 = byTopic.get("devices/v-1/commands");
            assertThat(new String(v1.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"vin\":\"v-1\",\"command\":\"unlock\"}");
            assertThat(v1.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                    .containsExactly("message-id=m-v-1", "source=it");
            assertThat(byTopic.get("devices/unrouted/commands").getPayloadAsBytes()).asString(StandardCharsets.UTF_8).contains("v-0");
        }
    }

    @Test
    void aSessionTakenOverFailsTheWriterNamingTheClientIdAndIsCounted() throws Exception {
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(FreePorts.pick(), folder);
                LogCapture logs = new LogCapture(MqttSinkWriter.class.getName())) {
            Configuration options = new Configuration();
            options.set(MqttOptions.SERVER_URI, broker.serverUri());
            options.set(MqttOptions.CLIENT_ID_PREFIX, "it-takeover");
            options.set(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(50));
            MetricListener metrics = new MetricListener();
            MqttMessageSerializer<String> serializer = text -> MqttMessage.builder()
                    .setTopic("it/takeover").setPayload(text.getBytes(StandardCharsets.UTF_8)).setQos(1).build();
            MqttSinkWriter<String> writer = new MqttSinkWriter<>(MqttSinkConfig.fromConfiguration(options), serializer,
                    new HiveMqPublishers(), 0,
                    SinkWriterMetricGroups.over(metrics.getMetricGroup(), new SimpleCounter(), new SimpleCounter()));
            Mqtt5BlockingClient intruder = MqttClient.builder().useMqttVersion5().identifier("it-takeover-pub-0")
                    .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
            try {
                writer.write("before", NO_TIME);
                writer.flush(false); // connected, and the broker acknowledged it
                intruder.connect();

                IOException failure = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (failure == null && System.nanoTime() < deadline) {
                    try {
                        writer.write("after", NO_TIME);
                        writer.flush(false);
                        Thread.sleep(50);
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                if (failure == null) {
                    fail("the writer went on publishing after another client took its session over");
                }
                String opening = "Another client connected with client id 'it-takeover-pub-0' to " + broker.serverUri()
                        + " and took its session over (DISCONNECT 0x8E): another writer publishes with the same client id";
                assertThat(failure).hasMessageStartingWith(opening)
                        .hasMessageContaining("two INSERTs into one mqtt table")
                        .hasMessageContaining("two jobs with the same routes or the same 'client-id-prefix'")
                        .hasMessageContaining("UNION ALL the queries")
                        .hasMessageContaining("/*+ OPTIONS('client-id-prefix'='...') */");
                // failed, not reconnected: the intruder keeps the id, and the next call fails the same way
                assertThat(intruder.getState().isConnected()).isTrue();
                assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class).hasMessageStartingWith(opening);
                assertThat(metrics.getCounter("mqtt", "sessionsTakenOver").orElseThrow().getCount()).isEqualTo(1);
                assertThat(logs.errors("client id 'it-takeover-pub-0'")).singleElement().asString().contains(opening);
            } finally {
                writer.close();
                intruder.disconnect();
            }
        }
    }

}
