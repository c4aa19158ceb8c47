package io.mqttbridge.rocketmq;

import io.mqttbridge.embedded.EmbeddedRocketMq;

import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.common.ServiceThread;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connector's clients are shut down with their channel-event thread stopped and woken first, so
 * that RocketMQ's shutdown does not wait out the thread's 3 s poll: the thread ends before any
 * shutdown is called, and the shutdown then stops the client as RocketMQ's own does.
 */
@SuppressWarnings("deprecation") // DefaultMQPullConsumer: the source's client
class RocketMqClientShutdownITCase {

    @TempDir static Path dataDir;
    private static EmbeddedRocketMq rocketMq;

    @BeforeAll
    static void startRocketMq() throws Exception {
        rocketMq = EmbeddedRocketMq.start(dataDir, 0, false);
        rocketMq.createTopic("shutdown", 1);
    }

    @AfterAll
    static void stopRocketMq() {
        if (rocketMq != null) {
            rocketMq.close();
        }
    }

    @Test
    void producerEventThreadEndsBeforeItsShutdownAndTheProducerStops() throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("shutdown-producer");
        producer.setNamesrvAddr(rocketMq.nameServer());
        producer.setInstanceName("shutdown-producer-" + UUID.randomUUID());
        producer.start();
        // A connection to the broker, whose events the thread dispatches.
        Message message = new Message("shutdown", "ping".getBytes(StandardCharsets.UTF_8));
        assertThat(producer.send(message).getSendStatus()).isEqualTo(SendStatus.SEND_OK);

        assertEventThreadEndsWithoutShutdown(producer);

        RocketMqClientShutdown.shutdown(producer);
        assertThat(producer.getDefaultMQProducerImpl().getServiceState()).isEqualTo(ServiceState.SHUTDOWN_ALREADY);
        assertThatThrownBy(() -> producer.send(message)).isInstanceOf(MQClientException.class);
    }

    @Test
    void pullConsumerEventThreadEndsBeforeItsShutdownAndTheConsumerStops() throws Exception {
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer("shutdown-pull-consumer");
        consumer.setNamesrvAddr(rocketMq.nameServer());
        consumer.setInstanceName("shutdown-pull-consumer-" + UUID.randomUUID());
        consumer.start();
        assertThat(consumer.fetchSubscribeMessageQueues("shutdown")).extracting(MessageQueue::getTopic).containsOnly("shutdown");

        assertEventThreadEndsWithoutShutdown(consumer);

        RocketMqClientShutdown.shutdown(consumer);
        assertThat(consumer.getDefaultMQPullConsumerImpl().getServiceState()).isEqualTo(ServiceState.SHUTDOWN_ALREADY);
    }

    @Test
    void litePullConsumerEventThreadEndsBeforeItsShutdownAndTheConsumerStops() throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("shutdown-lite-consumer");
        consumer.setNamesrvAddr(rocketMq.nameServer());
        consumer.setInstanceName("shutdown-lite-consumer-" + UUID.randomUUID());
        consumer.subscribe("shutdown", "*");
        consumer.start();

        assertEventThreadEndsWithoutShutdown(consumer);

        RocketMqClientShutdown.shutdown(consumer);
        assertThat(consumer.isRunning()).isFalse();
    }

    @Test
    void aClientThatNeverStartedIsShutDownAsBefore() {
        DefaultMQProducer producer = new DefaultMQProducer("shutdown-never-started");
        producer.setInstanceName("shutdown-never-started-" + UUID.randomUUID());
        RocketMqClientShutdown.shutdown(producer);
        assertThat(producer.getDefaultMQProducerImpl().getServiceState()).isEqualTo(ServiceState.CREATE_JUST);
    }

    /** The helper finds the running thread and stops it; it ends although the client was not shut down. */
    private static void assertEventThreadEndsWithoutShutdown(ClientConfig client) throws Exception {
        ServiceThread service = RocketMqClientShutdown.channelEventThread(client);
        Thread thread = thread(service);
        assertThat(thread.isAlive()).as("channel-event thread of a started client").isTrue();

        assertThat(RocketMqClientShutdown.stopChannelEventThread(client)).isTrue();

        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(thread.isAlive()).as("channel-event thread after it was stopped").isFalse();
    }

    private static Thread thread(ServiceThread service) throws ReflectiveOperationException {
        Field field = ServiceThread.class.getDeclaredField("thread");
        field.setAccessible(true);
        return (Thread) field.get(service);
    }
}
