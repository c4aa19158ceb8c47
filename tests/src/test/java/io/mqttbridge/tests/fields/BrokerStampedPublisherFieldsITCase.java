package io.mqttbridge.tests.fields;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.PublisherFields;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded HiveMQ CE of the local stack stamps message id, server time and publisher client id,
 * host and user name on each message; an {@code mqtt} table reads them in its metadata columns with
 * default options, and in {@code properties}. What a publisher set itself is kept.
 */
class BrokerStampedPublisherFieldsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @Test
    void metadataColumnsReadTheFieldsTheBrokerStampedAndKeepThePublishersOwn(@TempDir Path dir) throws Exception {
        try (EmbeddedHiveMq broker =
                        EmbeddedHiveMq.start(FreePorts.pick(), dir, EmbeddedHiveMq.MAX_QUEUE_SIZE, PublisherFields.ADD_MISSING);
                MqttTestPublisher plain = MqttTestPublisher.connect(MqttTestPublisher.clientBuilder(broker.serverUri(), "meter-1")
                        .simpleAuth().username("fleet-a").applySimpleAuth());
                MqttTestPublisher own = MqttTestPublisher.connect(broker.serverUri(), "gateway-2")) {
            TableResult result = select(broker.serverUri());
            JobClient job = result.getJobClient().orElseThrow();
            long before = System.currentTimeMillis();
            try (CloseableIterator<Row> rows = result.collect()) {
                // Until the source has subscribed nothing is queued for it: publish until one arrives.
                Thread feeder = new Thread(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            plain.publish("meters/m-1", "plain", 1);
                            Thread.sleep(200);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException publisherClosed) {
                        // the test is over
                    }
                }, "fields-warm-up");
                feeder.start();
                Row first = rows.next();
                feeder.interrupt();
                feeder.join();
                long after = System.currentTimeMillis();

                // A publisher that set nothing: every field comes from the broker.
                assertThat(first.getField("payload")).isEqualTo("plain");
                assertThat((String) first.getField("message_id")).hasSize(36);
                long stampedAt = ((Instant) first.getField("ts")).toEpochMilli();
                assertThat(stampedAt).isBetween(before, after);
                assertThat(first.getField("client_id")).isEqualTo("meter-1");
                assertThat(first.getField("client_host")).isEqualTo("127.0.0.1");
                assertThat(first.getField("username")).isEqualTo("fleet-a");
                assertThat(properties(first))
                        .containsEntry("mqtt.message-id", (String) first.getField("message_id"))
                        .containsEntry("mqtt.timestamp", Long.toString(stampedAt))
                        .containsEntry("mqtt.client-id", "meter-1")
                        .containsEntry("mqtt.client-host", "127.0.0.1")
                        .containsEntry("mqtt.username", "fleet-a")
                        .containsEntry("mqtt.topic", "meters/m-1")
                        .containsEntry("mqtt.qos", "1");

                // A publisher that set its own message id and client id (a gateway for a device) keeps them.
                own.publish("meters/m-2", "own", 1, p -> p.userProperties()
                        .add("message-id", "gw-msg-7").add("client-id", "meter-2").add("timestamp", "1700000000000")
                        .applyUserProperties());
                Row row = rows.next();
                while ("plain".equals(row.getField("payload"))) {
                    row = rows.next(); // warm-up messages still in flight
                }
                assertThat(row.getField("payload")).isEqualTo("own");
                assertThat(row.getField("message_id")).isEqualTo("gw-msg-7");
                assertThat(row.getField("client_id")).isEqualTo("meter-2");
                assertThat(row.getField("ts")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
                assertThat(row.getField("client_host")).isEqualTo("127.0.0.1");
                assertThat(row.getField("username")).as("logged in without a user name").isNull();
                assertThat(userProperties(row)).containsOnlyKeys("message-id", "client-id", "timestamp", "client-host");
                assertThat(properties(row)).containsEntry("mqtt.client-id", "meter-2").doesNotContainKey("mqtt.username");
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static TableResult select(String serverUri) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql("CREATE TABLE meters (\n"
                + "  payload         STRING,\n"
                + "  message_id      STRING                  METADATA FROM 'message-id' VIRTUAL,\n"
                + "  ts              TIMESTAMP_LTZ(3)        METADATA FROM 'timestamp' VIRTUAL,\n"
                + "  client_id       STRING                  METADATA FROM 'client-id' VIRTUAL,\n"
                + "  client_host     STRING                  METADATA FROM 'client-host' VIRTUAL,\n"
                + "  username        STRING                  METADATA FROM 'username' VIRTUAL,\n"
                + "  user_properties MAP<STRING, STRING>     METADATA FROM 'user-properties' VIRTUAL,\n"
                + "  properties      MAP<STRING, STRING>     METADATA FROM 'properties' VIRTUAL\n"
                + ") WITH ('connector' = 'mqtt', 'server-uri' = '" + serverUri + "', 'topic-filter' = 'meters/+',\n"
                + "  'format' = 'raw', 'client-id-prefix' = 'fields-it')");
        return tEnv.executeSql("SELECT * FROM meters");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> userProperties(Row row) {
        return (Map<String, String>) row.getField("user_properties");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> properties(Row row) {
        return (Map<String, String>) row.getField("properties");
    }
}
