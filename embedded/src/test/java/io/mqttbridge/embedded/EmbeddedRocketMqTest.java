package io.mqttbridge.embedded;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedRocketMqTest {

    @Test
    void messageSentToCreatedTopicIsConsumedAndStored(@TempDir Path dir) throws Exception {
        try (EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(dir, 0, false)) {
            assertThat(rocketMq.nameServer()).matches("127\\.0\\.0\\.1:\\d+");
            rocketMq.createTopic("stations", 2);
            assertThat(rocketMq.hasTopic("stations")).isTrue();

            DefaultMQProducer producer = new DefaultMQProducer("embedded-test-producer");
            producer.setNamesrvAddr(rocketMq.nameServer());
            producer.start();
            try {
                Message message = new Message("stations", "will", "station-7", "offline".getBytes(StandardCharsets.UTF_8));
                message.putUserProperty("mqtt-topic", "stations/7/status");
                SendResult result = producer.send(message);
                assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            } finally {
                producer.shutdown();
            }

            List<MessageExt> stored = rocketMq.awaitMessages("stations", 1, 30);
            assertThat(stored).hasSize(1);
            assertThat(stored.get(0).getTags()).isEqualTo("will");
            assertThat(stored.get(0).getKeys()).isEqualTo("station-7");
            assertThat(stored.get(0).getUserProperty("mqtt-topic")).isEqualTo("stations/7/status");

            List<MessageExt> consumed = new ArrayList<>();
            DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("embedded-test-consumer");
            consumer.setNamesrvAddr(rocketMq.nameServer());
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe("stations", "*");
            consumer.start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (consumed.isEmpty() && System.nanoTime() < deadline) {
                    consumed.addAll(consumer.poll(500));
                }
            } finally {
                consumer.shutdown();
            }
            assertThat(consumed).hasSize(1);
            assertThat(new String(consumed.get(0).getBody(), StandardCharsets.UTF_8)).isEqualTo("offline");
        }
    }
}
