package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.connector.options.FailurePolicy;
import io.mqttbridge.httpfunction.HttpFunctionOptions.Ordering;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.base.sink.writer.strategy.CongestionControlRateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.NoOpScalingStrategy;
import org.apache.flink.util.ExceptionUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writer of the {@code http-function} sink. AsyncSinkWriter does the buffering, batching
 * ({@code max-messages}, {@code max-wait}), the in-flight limit and flush-on-checkpoint: a
 * checkpoint waits until every submitted batch is finished, retries included, and stores only
 * records not yet submitted. This class turns a batch into invocations:
 *
 * <ul>
 *   <li>{@code concurrent}: one invocation per batch, retried by {@link BatchDelivery};
 *   <li>{@code sequential}: batches split by key and run per key in order by {@link KeyedSequencer}.
 * </ul>
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
    private final KeyedSequencer sequencer;

    FunctionSinkWriter(
            ElementConverter<InputT, FunctionRecord> converter,
            WriterInitContext context,
            FunctionSinkConfig config,
            Collection<BufferedRequestState<FunctionRecord>> restored) {
        super(converter, context, writerConfiguration(config), restored);
        this.config = config;
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
        this.sequencer = config.ordering() == Ordering.SEQUENTIAL ? new KeyedSequencer(delivery::deliver) : null;
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

    /** Longer than any batch can take: every attempt timing out after its full backoff, per key in a row. */
    private static Duration safetyTimeout(FunctionSinkConfig config) {
        Duration oneBatch =
                config.requestTimeout().plus(config.connectTimeout()).plus(config.retryBackoffMax())
                        .multipliedBy(config.retries() + 1L);
        return oneBatch.multipliedBy(config.maxInFlight() + 1L).plus(Duration.ofMinutes(1));
    }

    @Override
    protected void submitRequestEntries(List<FunctionRecord> batch, ResultHandler<FunctionRecord> result) {
        CompletableFuture<Void> done = sequencer != null ? sequencer.submit(batch) : delivery.deliver(batch);
        done.whenComplete(
                (ok, error) -> {
                    if (error == null) {
                        result.complete();
                    } else {
                        Throwable cause = ExceptionUtils.stripCompletionException(error);
                        result.completeExceptionally(cause instanceof Exception ? (Exception) cause : new RuntimeException(cause));
                    }
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
