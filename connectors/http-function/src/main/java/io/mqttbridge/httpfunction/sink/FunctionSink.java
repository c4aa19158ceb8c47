package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

import javax.annotation.Nullable;

import java.util.Collection;
import java.util.List;

/**
 * Sink that invokes an HTTP function (a serverless function URL, a webhook, a service) with
 * batches of records: {@code http-function} in SQL, {@link #builder()} in the DataStream API.
 * At-least-once: records buffered at a checkpoint are in its state, submitted batches are finished
 * before it completes. See {@link HttpFunctionOptions} for the options and {@link FunctionEnvelope} for
 * the request body.
 */
@PublicEvolving
public final class FunctionSink<InputT> extends AsyncSinkBase<InputT, FunctionRecord>
        implements SupportsPreWriteTopology<InputT> {

    private static final long serialVersionUID = 1L;

    private final FunctionSinkConfig config;
    /** With {@code sequential} from the table: the key rows are shuffled by before the writer. */
    @Nullable private final KeySelector<InputT, String> orderingKey;

    FunctionSink(ElementConverter<InputT, FunctionRecord> converter, FunctionSinkConfig config) {
        this(converter, config, null);
    }

    private FunctionSink(
            ElementConverter<InputT, FunctionRecord> converter,
            FunctionSinkConfig config,
            @Nullable KeySelector<InputT, String> orderingKey) {
        super(
                converter,
                config.maxMessages(),
                config.maxInFlight(),
                config.maxBufferedRequests(),
                Long.MAX_VALUE,
                config.maxWait().toMillis(),
                Long.MAX_VALUE);
        this.config = config;
        this.orderingKey = orderingKey;
    }

    /** For the table factory, which has checked the config already. */
    @Internal
    public static <InputT> FunctionSink<InputT> create(ElementConverter<InputT, FunctionRecord> converter, FunctionSinkConfig config) {
        return new FunctionSink<>(converter, config);
    }

    /**
     * For the table factory with {@code sequential}: the rows are keyed by {@code orderingKey}
     * before the writer (see {@link #addPreWriteTopology}), so one key is always written by the same
     * subtask, at any sink parallelism.
     */
    @Internal
    public static <InputT> FunctionSink<InputT> create(
            ElementConverter<InputT, FunctionRecord> converter, FunctionSinkConfig config, KeySelector<InputT, String> orderingKey) {
        return new FunctionSink<>(converter, config, orderingKey);
    }

    public static <InputT> FunctionSinkBuilder<InputT> builder() {
        return new FunctionSinkBuilder<>();
    }

    /** The checked settings (no secrets in its toString). */
    public FunctionSinkConfig config() {
        return config;
    }

    /**
     * This is where the job is built with the configuration it will run with (the client's or
     * cluster's config.yaml included), so the retry settings are checked against its checkpoint
     * timeout here, see {@link CheckpointBudget}. With an ordering key (the table with {@code
     * sequential}) the input is keyed by it: a key's records must all reach the one writer that
     * keeps them in order. A hash partitioning holds no state, so adding it keeps savepoints valid.
     */
    @Override
    public DataStream<InputT> addPreWriteTopology(DataStream<InputT> input) {
        CheckpointBudget.check(config, input.getExecutionEnvironment().getConfiguration());
        return orderingKey == null ? input : input.keyBy(orderingKey);
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<FunctionRecord>> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<FunctionRecord>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<FunctionRecord>> recoveredState) {
        return new FunctionSinkWriter<>(getElementConverter(), context, config, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<FunctionRecord>> getWriterStateSerializer() {
        return new FunctionRecordStateSerializer();
    }
}
