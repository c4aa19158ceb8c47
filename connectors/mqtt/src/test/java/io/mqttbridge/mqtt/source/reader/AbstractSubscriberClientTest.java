package io.mqttbridge.mqtt.source.reader;

import io.reactivex.BackpressureStrategy;
import io.reactivex.Flowable;
import io.reactivex.FlowableEmitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class AbstractSubscriberClientTest {

    private final ExecutorService callbackThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        callbackThread.shutdownNow();
    }

    /**
     * What the client sees when the callback thread is blocked: how many more publishes its flow takes
     * (the client walks its unacknowledged queue for each message while that is 0).
     */
    @Test
    void whileTheCallbackIsBlockedTheClientCanStillHandOverAReceiveMaximumOfPublishes() throws Exception {
        int receiveMaximum = 1_000;
        AtomicReference<FlowableEmitter<Integer>> client = new AtomicReference<>();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> delivered = Collections.synchronizedList(new ArrayList<>());

        AbstractSubscriberClient.deliverOn(
                Flowable.create(client::set, BackpressureStrategy.ERROR), receiveMaximum, callbackThread, publish -> {
                    blocked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    delivered.add(publish);
                });
        assertThat(client.get().requested()).isEqualTo(receiveMaximum);

        client.get().onNext(0);
        assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
        for (int n = 1; n < receiveMaximum - 1; n++) {
            client.get().onNext(n);
        }
        assertThat(client.get().requested()).as("room left with the window full but one").isEqualTo(1);
        client.get().onNext(receiveMaximum - 1);

        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.size() < receiveMaximum && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(delivered).hasSize(receiveMaximum).isSorted().doesNotHaveDuplicates();
    }
}
