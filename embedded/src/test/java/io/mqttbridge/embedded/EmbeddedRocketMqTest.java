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

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void brokerPortTakenAfterItWasPickedStartsAgainOnOtherPorts(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = portWithFreeNeighbourBelow()) {
            int takenPort = taken.getLocalPort();
            // The name server's port first, then the broker's: the one another binder took meanwhile.
            IntSupplier ports = handingOutFirst(FreePorts.pick(), takenPort);
            try (EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(dir, 0, false, null, ports)) {
                assertThat(rocketMq.brokerAddress()).isNotEqualTo("127.0.0.1:" + takenPort);
                rocketMq.createTopic("after-retry", 1);
                assertThat(rocketMq.hasTopic("after-retry")).isTrue();
            }
        }
    }

    @Test
    void nameServerPortChosenByTheCallerAndTakenFailsNamingIt(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int takenPort = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedRocketMq.start(dir, takenPort, false))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("name server did not start on 127.0.0.1:" + takenPort)
                    .hasRootCauseInstanceOf(BindException.class);
        }
    }

    /** A bound port p whose p − 2 is free, so the broker's port picking takes p (it checks p − 2 only). */
    private static ServerSocket portWithFreeNeighbourBelow() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            try (ServerSocket below = new ServerSocket(socket.getLocalPort() - 2, 1, InetAddress.getLoopbackAddress())) {
                return socket;
            } catch (IOException busy) {
                socket.close();
            }
        }
        throw new IOException("No bound port with a free port − 2 on 127.0.0.1");
    }

    /** {@code first} in turn, then free ports. */
    private static IntSupplier handingOutFirst(int... first) {
        Deque<Integer> queue = new ArrayDeque<>();
        for (int port : first) {
            queue.add(port);
        }
        return () -> queue.isEmpty() ? FreePorts.pick() : queue.poll();
    }
}
