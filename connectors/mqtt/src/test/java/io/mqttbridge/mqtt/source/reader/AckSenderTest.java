package io.mqttbridge.mqtt.source.reader;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import static org.assertj.core.api.Assertions.assertThat;

class AckSenderTest {

    /** Acks that record their number and the thread that sent them. */
    private final List<Integer> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    /** How many acks had been sent at each pause: where the slices end. */
    private final List<Integer> pausedAfter = Collections.synchronizedList(new ArrayList<>());
    /** How long each pause was asked to be. */
    private final List<Long> pauseNanos = Collections.synchronizedList(new ArrayList<>());
    private final LongConsumer recordingPause = nanos -> {
        pausedAfter.add(sent.size());
        pauseNanos.add(nanos);
    };
    /** The time each send sees. */
    private final AtomicLong clock = new AtomicLong();

    /** More than {@link AckSender#SLICES} slices of the minimum: the slice count, not the minimum, sets the slices. */
    private static final int LARGE_BACKLOG = 4 * AckSender.SLICES * AckSender.MIN_SLICE;

    /** A sender that records its pauses instead of sleeping, with {@link #clock} as its time. */
    private AckSender started() {
        return AckSender.start("acks-under-test", recordingPause, clock::get);
    }

    private List<MqttReceivedMessage.Ack> acks(int from, int count) {
        List<MqttReceivedMessage.Ack> acks = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            int number = n;
            acks.add(() -> {
                sent.add(number);
                threads.add(Thread.currentThread().getName());
                return true;
            });
        }
        return acks;
    }

    private void awaitSent(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sent.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(sent).hasSize(count);
    }

    @Test
    void sendsEveryAckInOrderFromItsOwnThreadInSlicesOfAtLeastTheMinimum() throws Exception {
        try (AckSender sender = started()) {
            sender.send(acks(0, 1_000));
            awaitSent(1_000);
        }
        assertThat(sent).isSorted().doesNotHaveDuplicates();
        assertThat(threads).containsOnly("acks-under-test");
        // 1,000 / 50 slices is below the minimum slice: slices of 64, a pause after each but the last
        List<Integer> expected = new ArrayList<>();
        for (int n = AckSender.MIN_SLICE; n < 1_000; n += AckSender.MIN_SLICE) {
            expected.add(n);
        }
        assertThat(pausedAfter).isEqualTo(expected);
    }

    @Test
    void aLargeBacklogGoesOutInAtMostTheSliceCount() throws Exception {
        int backlog = LARGE_BACKLOG;
        try (AckSender sender = started()) {
            sender.send(acks(0, backlog));
            awaitSent(backlog);
        }
        assertThat(sent).isSorted();
        assertThat(pausedAfter).hasSize(AckSender.SLICES - 1);
        assertThat(pausedAfter.get(0)).isEqualTo(backlog / AckSender.SLICES);
    }

    @Test
    void closeSendsWhatIsQueuedWithoutFurtherPauses() throws Exception {
        CountDownLatch firstPause = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AckSender sender = AckSender.start("acks-under-test", nanos -> {
            pausedAfter.add(sent.size());
            firstPause.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, clock::get);
        sender.send(acks(0, 1_000));
        assertThat(firstPause.await(30, TimeUnit.SECONDS)).isTrue();
        Thread closing = new Thread(() -> {
            try {
                sender.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closing.start();
        // close has marked the sender closed once it waits for the thread (a timed join)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (closing.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        release.countDown();
        closing.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(closing.isAlive()).as("close returned").isFalse();
        assertThat(sent).hasSize(1_000).isSorted();
        assertThat(pausedAfter).as("no pause once closing").containsExactly(AckSender.MIN_SLICE);
        sender.send(acks(1_000, 10));
        assertThat(sent).as("nothing is sent after close").hasSize(1_000);
    }

    @Test
    void theSlicesOfACheckpointSpreadOverHalfTheIntervalBetweenCheckpoints() throws Exception {
        int backlog = LARGE_BACKLOG;
        try (AckSender sender = started()) {
            sender.send(acks(0, backlog));
            awaitSent(backlog);
            assertThat(pauseNanos).as("before the second checkpoint").containsOnly(AckSender.FIRST_PAUSE_NANOS);

            pauseNanos.clear();
            clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
            sender.send(acks(backlog, backlog));
            awaitSent(2 * backlog);
            // half of 1 s over 50 slices
            assertThat(pauseNanos).hasSize(AckSender.SLICES - 1).containsOnly(TimeUnit.MILLISECONDS.toNanos(10));

            pauseNanos.clear();
            clock.addAndGet(TimeUnit.SECONDS.toNanos(60));
            sender.send(acks(2 * backlog, backlog));
            awaitSent(3 * backlog);
            assertThat(pauseNanos).as("at most 2 s").containsOnly(TimeUnit.MILLISECONDS.toNanos(AckSender.MAX_SPREAD_MS) / AckSender.SLICES);

            pauseNanos.clear();
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
            sender.send(List.of());
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
            sender.send(acks(3 * backlog, backlog));
            awaitSent(4 * backlog);
            assertThat(pauseNanos).as("a checkpoint with no acks still marks the interval")
                    .containsOnly(TimeUnit.MILLISECONDS.toNanos(2));
        }
        assertThat(sent).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void laterBatchesQueueBehindEarlierOnes() throws Exception {
        try (AckSender sender = started()) {
            sender.send(acks(0, 500));
            sender.send(acks(500, 500));
            sender.send(acks(1_000, 3));
            awaitSent(1_003);
        }
        assertThat(sent).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void inTheCallingThreadEveryAckIsSentBeforeSendReturns() throws Exception {
        try (AckSender sender = AckSender.inCallingThread()) {
            sender.send(acks(0, 200));
            assertThat(sent).hasSize(200).isSorted();
        }
        assertThat(threads).containsOnly(Thread.currentThread().getName());
        assertThat(pausedAfter).isEmpty();
    }
}
