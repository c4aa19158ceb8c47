package io.mqttbridge.mqtt.source.reader;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MessageHandoverTest {

    @Test
    void fullQueueBlocksTheProducerInsteadOfDropping() throws Exception {
        MessageHandover<Integer> handover = new MessageHandover<>(3);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 100; i++) {
                    handover.put(i);
                }
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        List<Integer> received = new ArrayList<>();
        while (received.size() < 100) {
            List<Integer> batch = handover.poll(10, 1, TimeUnit.SECONDS);
            assertThat(batch.size()).isLessThanOrEqualTo(3);
            received.addAll(batch);
        }
        producer.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
    }

    @Test
    void wakeUpEndsABlockedPoll() throws Exception {
        MessageHandover<Integer> handover = new MessageHandover<>(3);
        CompletableFuture<List<Integer>> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return handover.poll(10, 1, TimeUnit.HOURS);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        while (!poll.isDone()) {
            handover.wakeUp();
            Thread.sleep(10);
        }
        assertThat(poll.get()).isEmpty();
    }

    @Test
    void closeReleasesABlockedProducer() throws Exception {
        MessageHandover<Integer> handover = new MessageHandover<>(1);
        handover.put(1);
        CompletableFuture<Boolean> put = CompletableFuture.supplyAsync(() -> {
            try {
                return handover.put(2);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        handover.close();
        assertThat(put.get(10, TimeUnit.SECONDS)).isFalse();
    }
}
