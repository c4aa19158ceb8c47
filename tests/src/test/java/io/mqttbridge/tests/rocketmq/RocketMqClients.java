package io.mqttbridge.tests.rocketmq;

import io.mqttbridge.rocketmq.RocketMqClientShutdown;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.fail;

/**
 * RocketMQ's own client as a backend service uses it, for end-to-end tests that talk to a name server
 * in this JVM or in another process (the local stack): a producer that sends commands, and a consumer
 * that reads a topic from its first message.
 */
public final class RocketMqClients {

    private RocketMqClients() {}

    /** Sends one message synchronously (it counts once the broker stored it); returns the message id. */
    public static String send(String nameServer, String topic, String tag, String body, Map<String, String> properties)
            throws Exception {
        try (Producer producer = producer(nameServer)) {
            return producer.send(topic, tag, null, body, properties);
        }
    }

    /** A started producer on {@code nameServer}, for many sends. */
    public static Producer producer(String nameServer) throws Exception {
        keepLogsOutOfHome();
        DefaultMQProducer producer = new DefaultMQProducer("e2e-producer-" + UUID.randomUUID());
        producer.setNamesrvAddr(nameServer);
        producer.setInstanceName("e2e-producer-" + UUID.randomUUID());
        producer.start();
        return new Producer(producer);
    }

    /** RocketMQ's producer, sending synchronously. */
    public static final class Producer implements AutoCloseable {
        private final DefaultMQProducer producer;

        private Producer(DefaultMQProducer producer) {
            this.producer = producer;
        }

        /** Sends one message ({@code tag}, {@code keys} may be null); returns its message id once the broker stored it. */
        public String send(String topic, String tag, String keys, String body, Map<String, String> properties) throws Exception {
            Message message = new Message(topic, body.getBytes(StandardCharsets.UTF_8));
            if (tag != null) {
                message.setTags(tag);
            }
            if (keys != null) {
                message.setKeys(keys);
            }
            properties.forEach(message::putUserProperty);
            SendResult result = producer.send(message);
            if (result.getSendStatus() != SendStatus.SEND_OK) {
                throw new IllegalStateException("Send of '" + body + "' to " + topic + ": " + result.getSendStatus());
            }
            return result.getMsgId();
        }

        @Override
        public void close() {
            RocketMqClientShutdown.shutdown(producer);
        }
    }

    /**
     * Reads {@code topic} from its first message with a fresh consumer group until {@code done}
     * holds for everything read so far, checking {@code whileWaiting} (e.g. that the job still runs)
     * between polls; fails naming {@code what} after {@code timeout}.
     */
    public static List<MessageExt> readUntil(String nameServer, String topic, Predicate<List<MessageExt>> done,
            Duration timeout, String what, Runnable whileWaiting) throws Exception {
        keepLogsOutOfHome();
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("e2e-reader-" + UUID.randomUUID());
        consumer.setNamesrvAddr(nameServer);
        consumer.setInstanceName("e2e-reader-" + UUID.randomUUID());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setAutoCommit(false);
        consumer.subscribe(topic, "*");
        consumer.start();
        List<MessageExt> read = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(read)) {
                if (System.nanoTime() > deadline) {
                    return fail("%s: not in RocketMQ topic '%s' after %s; read %d messages", what, topic, timeout, read.size());
                }
                whileWaiting.run();
                read.addAll(consumer.poll(500));
            }
            return read;
        } finally {
            RocketMqClientShutdown.shutdown(consumer);
        }
    }

    /** The message's body as UTF-8 text. */
    public static String body(MessageExt message) {
        return new String(message.getBody(), StandardCharsets.UTF_8);
    }

    /**
     * RocketMQ's client logs into ~/logs/rocketmqlogs unless told otherwise before its first class
     * loads; with no embedded broker started first in this JVM (which points it at its data folder), it
     * goes to target/ with the embedded servers' configuration.
     */
    private static void keepLogsOutOfHome() {
        if (System.getProperty("rmq.logback.configurationFile") == null) {
            System.setProperty("mqttbridge.rocketmq.log-file", Path.of("target", "rocketmq.log").toAbsolutePath().toString());
            System.setProperty("rmq.logback.configurationFile", "mqtt-bridge-rocketmq-logback.xml");
        }
    }
}
