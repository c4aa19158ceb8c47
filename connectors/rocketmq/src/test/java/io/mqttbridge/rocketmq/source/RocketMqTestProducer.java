package io.mqttbridge.rocketmq.source;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** Writes test messages to chosen queues of a topic, synchronously (a message counts once the broker stored it). */
final class RocketMqTestProducer implements AutoCloseable {

    private final DefaultMQProducer producer;

    RocketMqTestProducer(String nameServer) throws MQClientException {
        producer = new DefaultMQProducer("test-producer-" + UUID.randomUUID());
        producer.setNamesrvAddr(nameServer);
        producer.setInstanceName("test-producer-" + UUID.randomUUID());
        producer.start();
    }

    /** Sends {@code body} to queue {@code queueId} of {@code topic} on the embedded broker; returns the queue offset. */
    long send(String topic, String brokerName, int queueId, String body) throws Exception {
        return send(topic, brokerName, queueId, body, null, null, Map.of());
    }

    long send(String topic, String brokerName, int queueId, String body, String tag, String keys, Map<String, String> properties)
            throws Exception {
        Message message = new Message(topic, body.getBytes(StandardCharsets.UTF_8));
        if (tag != null) {
            message.setTags(tag);
        }
        if (keys != null) {
            message.setKeys(keys);
        }
        properties.forEach(message::putUserProperty);
        SendResult result = producer.send(message, new MessageQueue(topic, brokerName, queueId));
        if (result.getSendStatus() != SendStatus.SEND_OK) {
            throw new IllegalStateException("Send of '" + body + "' to " + topic + "/" + queueId + ": " + result.getSendStatus());
        }
        return result.getQueueOffset();
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
