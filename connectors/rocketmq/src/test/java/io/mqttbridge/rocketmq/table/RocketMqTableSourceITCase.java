package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.testing.ExternalSystemExtension;
import io.mqttbridge.embedded.EmbeddedRocketMq;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A SQL 'rocketmq' table with every metadata column, read in a MiniCluster from the embedded RocketMQ. */
class RocketMqTableSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final ExternalSystemExtension<EmbeddedRocketMq> ROCKETMQ = new ExternalSystemExtension<>(EmbeddedRocketMq::start);

    @Test
    void readsBodyColumnsAndEveryMetadataColumn() throws Exception {
        EmbeddedRocketMq rocketMq = ROCKETMQ.get();
        String topic = "sql-source-" + UUID.randomUUID().toString().substring(0, 8);
        rocketMq.createTopic(topic, 2);
        long before = System.currentTimeMillis();
        List<SendResult> sent = new ArrayList<>();
        DefaultMQProducer producer = new DefaultMQProducer("sql-it-producer-" + topic);
        producer.setNamesrvAddr(rocketMq.nameServer());
        producer.setInstanceName("sql-it-" + topic);
        producer.start();
        try {
            for (int i = 0; i < 3; i++) {
                Message message = new Message(topic, "unlock", "vin-" + i,
                        ("{\"vin\":\"V" + i + "\",\"command\":\"unlock\"}").getBytes(StandardCharsets.UTF_8));
                message.putUserProperty("mqtt_topic", "vehicles/V" + i + "/commands");
                sent.add(producer.send(message, new MessageQueue(topic, EmbeddedRocketMq.BROKER_NAME, i % 2)));
            }
            // filtered out by 'tag-filter'
            producer.send(new Message(topic, "status", "{\"vin\":\"X\",\"command\":\"none\"}".getBytes(StandardCharsets.UTF_8)),
                    new MessageQueue(topic, EmbeddedRocketMq.BROKER_NAME, 0));
        } finally {
            producer.shutdown();
        }

        TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.executeSql("CREATE TABLE commands (\n"
                + "  vin STRING, command STRING,\n"
                + "  `topic` STRING METADATA VIRTUAL, tag STRING METADATA VIRTUAL, `keys` STRING METADATA VIRTUAL,\n"
                + "  msg_id STRING METADATA FROM 'msg-id' VIRTUAL,\n"
                + "  props MAP<STRING, STRING> METADATA FROM 'properties' VIRTUAL,\n"
                + "  born TIMESTAMP_LTZ(3) METADATA FROM 'born-timestamp' VIRTUAL,\n"
                + "  stored TIMESTAMP_LTZ(3) METADATA FROM 'store-timestamp' VIRTUAL,\n"
                + "  queue_id INT METADATA FROM 'queue-id' VIRTUAL,\n"
                + "  queue_offset BIGINT METADATA FROM 'queue-offset' VIRTUAL,\n"
                + "  broker STRING METADATA VIRTUAL\n"
                + ") WITH ('connector' = 'rocketmq', 'name-server' = '" + rocketMq.nameServer() + "', 'topic' = '" + topic + "',\n"
                + "  'consumer-group' = 'sql-it', 'startup-mode' = 'earliest', 'tag-filter' = 'unlock', 'format' = 'json')");

        List<Row> rows = new ArrayList<>();
        TableResult result = tables.executeSql("SELECT * FROM commands");
        try (CloseableIterator<Row> it = result.collect()) {
            while (rows.size() < 3) {
                rows.add(it.next());
            }
        }
        rows.sort(Comparator.comparing(r -> (String) r.getField("vin")));

        for (int i = 0; i < 3; i++) {
            Row row = rows.get(i);
            SendResult send = sent.get(i);
            assertThat(row.getField("vin")).isEqualTo("V" + i);
            assertThat(row.getField("command")).isEqualTo("unlock");
            assertThat(row.getField("topic")).isEqualTo(topic);
            assertThat(row.getField("tag")).isEqualTo("unlock");
            assertThat(row.getField("keys")).isEqualTo("vin-" + i);
            assertThat(row.getField("msg_id")).isEqualTo(send.getMsgId());
            assertThat(row.getField("props")).isEqualTo(Map.of("mqtt_topic", "vehicles/V" + i + "/commands"));
            assertThat((Instant) row.getField("born")).isAfterOrEqualTo(Instant.ofEpochMilli(before));
            assertThat((Instant) row.getField("stored")).isAfterOrEqualTo((Instant) row.getField("born"));
            assertThat(row.getField("queue_id")).isEqualTo(i % 2);
            assertThat(row.getField("queue_offset")).isEqualTo(send.getQueueOffset());
            assertThat(row.getField("broker")).isEqualTo(EmbeddedRocketMq.BROKER_NAME);
        }
    }
}
