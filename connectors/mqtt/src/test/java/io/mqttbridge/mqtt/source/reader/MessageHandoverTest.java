package io.mqttbridge.mqtt.source.reader;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MessageHandoverTest {

    @Test
    void putOnAFullQueueWaitsForRoom() throws Exception {
        MessageHandover<Integer> handover = new MessageHandover<>(3);
        for (int i = 0; i < 3; i++) {
            assertThat(handover.put(i)).isTrue();
        }
        CompletableFuture<Boolean> fourth = CompletableFuture.supplyAsync(() -> {
            try {
                return handover.put(3);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        // Not a timing expectation: the put must still be waiting, whatever the delay.
        Thread.sleep(200);
        assertThat(fourth).as("put into a full queue").isNotDone();

        assertThat(handover.poll(1, 1, TimeUnit.SECONDS)).containsExactly(0);
        assertThat(fourth.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(handover.poll(10, 1, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    }

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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < 100) {
            assertThat(System.nanoTime()).as("all 100 elements within 30 s (a dropping queue never gets there)").isLessThan(deadline);
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
