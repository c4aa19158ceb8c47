package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.Batch;
import org.apache.flink.connector.base.sink.writer.BatchCreator;
import org.apache.flink.connector.base.sink.writer.RequestBuffer;
import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;

/**
 * AsyncSinkWriter's pluggable batch creator for {@code ordering = 'sequential'}: the next batch is
 * up to the writer's batch size (max-messages, or fewer when its rate limit says so) of records
 * whose keys have no request in flight, see {@link KeyedRequestBuffer#takeBatch}.
 */
@Internal
final class KeyedBatchCreator implements BatchCreator<FunctionRecord> {

    private final KeyedRequestBuffer buffer;

    KeyedBatchCreator(KeyedRequestBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public Batch<FunctionRecord> createNextBatch(RequestInfo requestInfo, RequestBuffer<FunctionRecord> ignored) {
        // The writer passes the buffer it was built with, which is this one.
        return buffer.takeBatch(requestInfo.getBatchSize());
    }
}
