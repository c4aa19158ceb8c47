package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.options.FailurePolicy;
import io.mqttbridge.httpfunction.HttpFunctionOptions.Ordering;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.SimpleBatchCreator;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.base.sink.writer.strategy.CongestionControlRateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.NoOpScalingStrategy;
import org.apache.flink.util.ExceptionUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writer of the {@code http-function} sink. AsyncSinkWriter does the buffering, batching
 * ({@code max-messages}, {@code max-wait}), the in-flight limit and flush-on-checkpoint: a
 * checkpoint waits until every submitted batch is finished, retries included, and stores only
 * records not yet submitted. Each batch is one invocation, retried by {@link BatchDelivery}.
 *
 * <p>{@code sequential} plugs into AsyncSinkWriter's batching (FLIP-509) rather than splitting
 * its batches: a {@link KeyedRequestBuffer} with a {@link KeyedBatchCreator} forms batches of up
 * to max-messages records of any keys without a request in flight, and a finished batch frees its
 * keys. Records of a busy key wait in the buffer (and in a checkpoint's state) for a later batch.
 *
 * <p>A batch is completed towards AsyncSinkWriter only when it is finished; {@code
 * retryForEntries} is never used (it would re-queue without limit and out of order). With
 * failure-handling 'fail' an undeliverable batch fails the writer, and with it the checkpoint.
 */
@Internal
public final class FunctionSinkWriter<InputT> extends AsyncSinkWriter<InputT, FunctionRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionSinkWriter.class);

    private final FunctionSinkConfig config;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService retryTimer;
    private final BatchDelivery delivery;
    private final MailboxExecutor mailbox;
    private final ProcessingTimeService time;
    /** Only with {@code sequential}. */
    @Nullable private final KeyedRequestBuffer keyed;
    private boolean readyTimerSet;

    FunctionSinkWriter(
            ElementConverter<InputT, FunctionRecord> converter,
            WriterInitContext context,
            FunctionSinkConfig config,
            Collection<BufferedRequestState<FunctionRecord>> restored) {
        this(converter, context, config, restored,
                config.ordering() == Ordering.SEQUENTIAL
                        ? new KeyedRequestBuffer(context.getProcessingTimeService()::getCurrentProcessingTime)
                        : null);
    }

    private FunctionSinkWriter(
            ElementConverter<InputT, FunctionRecord> converter,
            WriterInitContext context,
            FunctionSinkConfig config,
            Collection<BufferedRequestState<FunctionRecord>> restored,
            @Nullable KeyedRequestBuffer keyed) {
        // 'concurrent': AsyncSinkWriter's default deque and batch creator (record count only).
        super(converter, context, writerConfiguration(config), restored,
                keyed == null ? new SimpleBatchCreator<>(Long.MAX_VALUE) : new KeyedBatchCreator(keyed),
                keyed == null ? new DequeRequestBuffer<>() : keyed);
        this.config = config;
        this.keyed = keyed;
        this.mailbox = context.getMailboxExecutor();
        this.time = context.getProcessingTimeService();
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.httpThreads = Executors.newCachedThreadPool(threads("http-function-" + config.name() + "-" + subtask));
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(threads("http-function-retry-" + config.name() + "-" + subtask));
        FunctionSinkMetrics metrics = new FunctionSinkMetrics(context.metricGroup());
        this.delivery =
                new BatchDelivery(
                        config,
                        new FunctionInvoker(config, httpThreads),
                        retryTimer,
                        metrics,
                        config.failureHandling() == FailurePolicy.DEAD_LETTER ? new DeadLetterWriter(config, subtask) : null);
        LOG.info("Started {} (subtask {}, {} records restored)", config, subtask,
                restored.stream().mapToInt(s -> s.getBufferedRequestEntries().size()).sum());
    }

    private static AsyncSinkWriterConfiguration writerConfiguration(FunctionSinkConfig config) {
        int maxBatch = config.maxMessages();
        int maxInFlight = config.maxInFlight();
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(maxBatch)
                // Invocations are limited by record count only; the function decides what is too big.
                .setMaxBatchSizeInBytes(Long.MAX_VALUE)
                .setMaxInFlightRequests(maxInFlight)
                .setMaxBufferedRequests(config.maxBufferedRequests())
                .setMaxTimeInBufferMS(config.maxWait().toMillis())
                .setMaxRecordSizeInBytes(Long.MAX_VALUE)
                // No AIMD: the base's default starts at one batch in flight and halves on failures;
                // max-in-flight is what the user asked for.
                .setRateLimitingStrategy(
                        CongestionControlRateLimitingStrategy.builder()
                                .setMaxInFlightRequests(maxInFlight)
                                .setInitialMaxInFlightMessages(maxBatch * maxInFlight)
                                .setScalingStrategy(new NoOpScalingStrategy<>())
                                .build())
                // Our retries are bounded; this timeout is only a safety net far beyond them, and
                // re-queues (duplicates, never loss) if it ever fires.
                .setRequestTimeoutMS(safetyTimeout(config).toMillis())
                .setFailOnTimeout(false)
                .build();
    }

    /** Longer than any batch can take: every attempt timing out after its full backoff. */
    private static Duration safetyTimeout(FunctionSinkConfig config) {
        Duration oneBatch =
                config.requestTimeout().plus(config.connectTimeout()).plus(config.retryBackoffMax())
                        .multipliedBy(config.retries() + 1L);
        return oneBatch.plus(Duration.ofMinutes(1));
    }

    /**
     * AsyncSinkWriter bounds its buffer by {@code size()}, which with {@code sequential} counts only
     * records a batch may take now; records waiting for their key count as well, so while the buffer
     * holds max-buffered-requests records this waits for a batch to finish (which frees keys and
     * sends the next batch).
     */
    @Override
    public void write(InputT element, Context context) throws IOException, InterruptedException {
        while (keyed != null && keyed.totalRecords() >= config.maxBufferedRequests() && keyed.hasKeysInFlight()) {
            mailbox.yield();
        }
        super.write(element, context);
    }

    /**
     * At the end of input every record goes out. AsyncSinkWriter stops flushing when nothing is
     * in flight by its count; records can only still wait for a key when its safety timeout has
     * counted a batch as finished that is still running, so wait for that batch too.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(endOfInput);
        while (endOfInput && keyed != null && keyed.totalRecords() > 0) {
            mailbox.yield();
            super.flush(true);
        }
    }

    @Override
    protected void submitRequestEntries(List<FunctionRecord> batch, ResultHandler<FunctionRecord> result) {
        delivery.deliver(batch).whenComplete(
                (ok, error) -> {
                    if (keyed == null) {
                        finish(result, error);
                        return;
                    }
                    // The buffer belongs to the mailbox thread: the batch's keys are freed there,
                    // before AsyncSinkWriter counts the request as finished and forms the next batch.
                    mailbox.execute(
                            () -> {
                                keyed.release(batch);
                                armReadyTimer();
                                finish(result, error);
                            },
                            "release the keys of a finished http-function batch");
                });
    }

    private static void finish(ResultHandler<FunctionRecord> result, Throwable error) {
        if (error == null) {
            result.complete();
        } else {
            Throwable cause = ExceptionUtils.stripCompletionException(error);
            result.completeExceptionally(cause instanceof Exception ? (Exception) cause : new RuntimeException(cause));
        }
    }

    /**
     * max-wait for records that became ready when their key was freed. AsyncSinkWriter's own timer
     * starts only when a record enters a buffer with nothing ready, so without this a partial
     * batch of freed records could wait for more input indefinitely. The timer sends the ready
     * records once one of them has waited max-wait; under steady input full batches take them first.
     */
    private void armReadyTimer() {
        if (readyTimerSet || keyed.isEmpty()) {
            return;
        }
        readyTimerSet = true;
        long maxWait = config.maxWait().toMillis();
        time.registerTimer(time.getCurrentProcessingTime() + maxWait, now -> {
            readyTimerSet = false;
            if (keyed.hasReadySince(now - maxWait)) {
                // Sends every ready record now (and waits for the batches in flight, as a
                // checkpoint does): only reached when input is too slow to fill a batch.
                super.flush(true);
            }
            armReadyTimer();
        });
    }

    @Override
    protected long getSizeInBytes(FunctionRecord record) {
        return record.payload().length;
    }

    @Override
    public void close() {
        retryTimer.shutdownNow();
        httpThreads.shutdownNow();
        super.close();
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
