package io.mqttbridge.httpfunction.sink;

import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.base.sink.writer.strategy.BasicRequestInfo;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Batching with {@code ordering = 'sequential'}: full batches of many keys, busy keys wait, each key in order. */
class KeyedRequestBufferTest {

    private final AtomicLong clock = new AtomicLong(1000);
    private final KeyedRequestBuffer buffer = new KeyedRequestBuffer(clock::get);

    @Test
    void aBatchTakesRecordsOfManyKeysUpToItsSize() {
        for (int i = 0; i < 25; i++) {
            add("k" + i, "m" + i);
        }
        assertThat(ids(take(10))).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(ids(take(10))).hasSize(10);
        assertThat(buffer.size()).isEqualTo(5);
        assertThat(buffer.totalRecords()).isEqualTo(5);
    }

    @Test
    void aKeyInFlightIsLeftOutUntilItsBatchIsReleased() {
        add("a", "a1");
        add("b", "b1");
        List<FunctionRecord> first = take(10);
        assertThat(ids(first)).containsExactly("a1", "b1");

        add("a", "a2");
        add("c", "c1");
        add("a", "a3");
        // a is in flight: only c's record may go, a's wait.
        assertThat(buffer.size()).isEqualTo(1);
        assertThat(buffer.totalRecords()).isEqualTo(3);
        assertThat(ids(take(10))).containsExactly("c1");
        assertThat(buffer.isEmpty()).isTrue();
        assertThat(take(10)).isEmpty();

        buffer.release(first);
        assertThat(buffer.size()).isEqualTo(2);
        assertThat(ids(take(10))).containsExactly("a2", "a3");
    }

    @Test
    void pollTakesTheOldestReadyRecordAndHoldsItsKeyUntilReleased() {
        add("a", "a1");
        add("a", "a2");
        add("b", "b1");
        RequestEntryWrapper<FunctionRecord> polled = buffer.poll();
        assertThat(polled.getRequestEntry().messageId()).isEqualTo("a1");
        // a is in flight now: b's record is next, a2 waits for the release.
        assertThat(buffer.poll().getRequestEntry().messageId()).isEqualTo("b1");
        assertThat(buffer.poll()).isNull();
        assertThat(buffer.totalRecords()).isEqualTo(1);

        buffer.release(List.of(polled.getRequestEntry()));
        assertThat(buffer.poll().getRequestEntry().messageId()).isEqualTo("a2");
    }

    @Test
    void theRestOfAKeyThatDidNotFitWaitsForTheBatch() {
        for (int i = 1; i <= 5; i++) {
            add("a", "a" + i);
        }
        add("b", "b1");
        List<FunctionRecord> first = take(3);
        assertThat(ids(first)).containsExactly("a1", "a2", "a3");
        // a4 and a5 may not go beside a batch of a in flight; b1 may.
        assertThat(buffer.size()).isEqualTo(1);
        assertThat(ids(take(3))).containsExactly("b1");
        assertThat(take(3)).isEmpty();

        buffer.release(first);
        assertThat(ids(take(3))).containsExactly("a4", "a5");
    }

    @Test
    void theStateHoldsWaitingRecordsInTheirKeysOrderAndRestoresReady() {
        add("a", "a1");
        List<FunctionRecord> inFlight = take(1);
        add("a", "a2");
        add("b", "b1");
        add("a", "a3");
        assertThat(buffer.size()).isEqualTo(1);

        KeyedRequestBuffer restored = new KeyedRequestBuffer(clock::get);
        buffer.getBufferedState().forEach(e -> restored.add(e, false));
        // After a restore no key is in flight: everything is ready, each key in order.
        assertThat(restored.size()).isEqualTo(3);
        assertThat(ids(restored.takeBatch(10).getBatchEntries())).containsExactly("a2", "a3", "b1");
        assertThat(inFlight).hasSize(1);
    }

    @Test
    void aRequeuedBatchGoesBackAheadOfItsKeysLaterRecords() {
        add("a", "a1");
        add("a", "a2");
        List<FunctionRecord> first = take(2);
        add("a", "a3");
        // AsyncSinkWriter re-queues a timed-out batch at the head, newest first.
        for (int i = first.size() - 1; i >= 0; i--) {
            buffer.add(new RequestEntryWrapper<>(first.get(i), 1), true);
        }
        buffer.release(first);
        assertThat(ids(take(10))).containsExactly("a1", "a2", "a3");
    }

    @Test
    void sizeAndBytesCountReadyRecordsOnly() {
        add("a", "a1");
        List<FunctionRecord> first = take(1);
        add("a", "a2");
        add("b", "b1");
        assertThat(buffer.size()).isEqualTo(1);
        assertThat(buffer.totalSizeInBytes()).isEqualTo(2);
        assertThat(buffer.getBufferedState()).hasSize(2);
        assertThat(buffer.peek().getRequestEntry().messageId()).isEqualTo("b1");
        buffer.release(first);
        assertThat(buffer.totalSizeInBytes()).isEqualTo(4);
    }

    @Test
    void readySinceTellsWhenFreedRecordsHaveWaitedMaxWait() {
        add("a", "a1");
        List<FunctionRecord> first = take(1);
        add("a", "a2");
        clock.set(5000);
        // a2 arrived at 1000, but it cannot go before a1's batch is finished.
        assertThat(buffer.hasReadySince(4500)).isFalse();
        buffer.release(first);
        assertThat(buffer.hasReadySince(4500)).isFalse();
        assertThat(buffer.hasReadySince(5000)).isTrue();
    }

    @Test
    void theBatchCreatorTakesTheWritersBatchSize() {
        for (int i = 0; i < 8; i++) {
            add("k" + i, "m" + i);
        }
        KeyedBatchCreator creator = new KeyedBatchCreator(buffer);
        assertThat(creator.createNextBatch(new BasicRequestInfo(5), buffer).getRecordCount()).isEqualTo(5);
        assertThat(creator.createNextBatch(new BasicRequestInfo(5), buffer).getRecordCount()).isEqualTo(3);
    }

    private void add(String key, String id) {
        byte[] payload = id.getBytes(StandardCharsets.UTF_8);
        buffer.add(new RequestEntryWrapper<>(new FunctionRecord(key, null, id, payload), payload.length), false);
    }

    private List<FunctionRecord> take(int max) {
        return buffer.takeBatch(max).getBatchEntries();
    }

    private static List<String> ids(List<FunctionRecord> records) {
        return records.stream().map(FunctionRecord::messageId).toList();
    }
}
