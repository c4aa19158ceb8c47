package io.mqttbridge.rocketmq.source.reader;

import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.rocketmq.client.consumer.PullCallback;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the queues of this subtask with one long-polling pull in flight per queue. A pull asks for
 * an explicit offset (the split's, then the broker's next-begin offset), so what is read after a
 * restore starts exactly at the checkpointed position. Results arrive on RocketMQ's callback threads
 * and are handed over through a queue that {@link #fetch()} drains; {@link #wakeUp()} puts a marker
 * into it. A failed pull is retried after {@value #RETRY_MILLIS} ms (a broker restart is survived).
 */
@Internal
public final class RocketMqSplitReader implements SplitReader<MessageExt, RocketMqQueueSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSplitReader.class);

    static final long RETRY_MILLIS = 1_000;
    /**
     * Pause before pulling a queue again that had nothing new. The broker held that pull until it
     * gave up (a new message ends a held pull at once), so this costs no latency with long polling,
     * and it keeps a broker that answers at once (long polling off) from being asked in a loop.
     */
    static final long IDLE_MILLIS = 100;
    /** Upper bound of one wait in fetch(): the fetcher gets control back now and then. */
    private static final long MAX_WAIT_MILLIS = 1_000;

    private static final Outcome WAKE_UP = new Outcome(null, null, null);

    private final QueueClient client;
    private final String tagFilter;
    private final int batchSize;
    private final Map<String, Cursor> cursors = new LinkedHashMap<>();
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

    public RocketMqSplitReader(QueueClient client, String tagFilter, int batchSize) {
        this.client = client;
        this.tagFilter = tagFilter;
        this.batchSize = batchSize;
    }

    @Override
    public RecordsWithSplitIds<MessageExt> fetch() {
        long waitMillis = startPulls();
        RecordsBySplits.Builder<MessageExt> records = new RecordsBySplits.Builder<>();
        Outcome outcome;
        try {
            outcome = outcomes.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // the fetcher is shutting down: keep the flag for it
            Thread.currentThread().interrupt();
            return records.build();
        }
        while (outcome != null && outcome != WAKE_UP) {
            handle(outcome, records);
            outcome = outcomes.poll();
        }
        return records.build();
    }

    /** Sends a pull for every queue that has none in flight; returns how long fetch() may wait for results. */
    private long startPulls() {
        long now = System.currentTimeMillis();
        long wait = MAX_WAIT_MILLIS;
        for (Cursor cursor : cursors.values()) {
            if (cursor.inFlight) {
                continue;
            }
            if (cursor.retryAt > now) {
                wait = Math.min(wait, cursor.retryAt - now);
                continue;
            }
            cursor.inFlight = true;
            try {
                client.pull(cursor.queue, tagFilter, cursor.nextOffset, batchSize, new PullCallback() {
                    @Override
                    public void onSuccess(PullResult result) {
                        outcomes.add(new Outcome(cursor, result, null));
                    }

                    @Override
                    public void onException(Throwable e) {
                        outcomes.add(new Outcome(cursor, null, e));
                    }
                });
            } catch (InterruptedException e) {
                cursor.inFlight = false;
                Thread.currentThread().interrupt();
                return 0;
            } catch (Exception e) {
                outcomes.add(new Outcome(cursor, null, e));
            }
        }
        return wait;
    }

    private void handle(Outcome outcome, RecordsBySplits.Builder<MessageExt> records) {
        Cursor cursor = outcome.cursor;
        cursor.inFlight = false;
        if (outcome.error != null) {
            cursor.retryAt = System.currentTimeMillis() + RETRY_MILLIS;
            if (cursor.failures++ == 0) {
                LOG.warn("Pull from {} at offset {} failed; retrying every {} ms until it succeeds: {}",
                        cursor.splitId, cursor.nextOffset, RETRY_MILLIS, outcome.error.toString());
            }
            return;
        }
        if (cursor.failures > 0) {
            LOG.info("Pull from {} succeeded again after {} failed attempt(s)", cursor.splitId, cursor.failures);
            cursor.failures = 0;
        }
        PullResult result = outcome.result;
        switch (result.getPullStatus()) {
            case FOUND:
                for (MessageExt message : result.getMsgFoundList()) {
                    records.add(cursor.splitId, message);
                }
                break;
            case OFFSET_ILLEGAL:
                LOG.warn("Offset {} of {} is not kept by the broker (it keeps {} .. {}); reading goes on at {}. "
                                + "Messages before that were removed by the broker's retention before this source read them.",
                        cursor.nextOffset, cursor.splitId, result.getMinOffset(), result.getMaxOffset(), result.getNextBeginOffset());
                break;
            case NO_NEW_MSG:
                cursor.retryAt = System.currentTimeMillis() + IDLE_MILLIS;
                break;
            default: // NO_MATCHED_MSG: the tag filter skipped every message pulled; go on at once
                break;
        }
        cursor.nextOffset = result.getNextBeginOffset();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RocketMqQueueSplit> splitsChanges) {
        // The enumerator only ever assigns queues (a queue is never taken back from a reader), as in Kafka's reader.
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("Unsupported split change " + splitsChanges.getClass().getSimpleName());
        }
        for (RocketMqQueueSplit split : splitsChanges.splits()) {
            cursors.put(split.splitId(), new Cursor(split.splitId(), split.queue(), split.nextOffset()));
            LOG.info("Reading {} from offset {}", split.splitId(), split.nextOffset());
        }
    }

    @Override
    public void wakeUp() {
        outcomes.add(WAKE_UP);
    }

    @VisibleForTesting
    int queues() {
        return cursors.size();
    }

    @Override
    public void close() {
        // The client belongs to the source reader, which also commits through it.
    }

    /** A queue's pull position; touched on the fetcher thread only. */
    private static final class Cursor {
        final String splitId;
        final MessageQueue queue;
        long nextOffset;
        boolean inFlight;
        long retryAt;
        int failures;

        Cursor(String splitId, MessageQueue queue, long nextOffset) {
            this.splitId = splitId;
            this.queue = queue;
            this.nextOffset = nextOffset;
        }
    }

    private static final class Outcome {
        final Cursor cursor;
        @Nullable final PullResult result;
        @Nullable final Throwable error;

        Outcome(Cursor cursor, @Nullable PullResult result, @Nullable Throwable error) {
            this.cursor = cursor;
            this.result = result;
            this.error = error;
        }
    }
}
