package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

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

    FunctionSink(ElementConverter<InputT, FunctionRecord> converter, FunctionSinkConfig config) {
        super(
                converter,
                config.maxMessages(),
                config.maxInFlight(),
                config.maxBufferedRequests(),
                Long.MAX_VALUE,
                config.maxWait().toMillis(),
                Long.MAX_VALUE);
        this.config = config;
    }

    /** For the table factory, which has checked the config already. */
    @Internal
    public static <InputT> FunctionSink<InputT> create(ElementConverter<InputT, FunctionRecord> converter, FunctionSinkConfig config) {
        return new FunctionSink<>(converter, config);
    }

    public static <InputT> FunctionSinkBuilder<InputT> builder() {
        return new FunctionSinkBuilder<>();
    }

    /** The checked settings (no secrets in its toString). */
    public FunctionSinkConfig config() {
        return config;
    }

    /**
     * Adds nothing: this is where the job is built with the configuration it will run with (the
     * client's or cluster's config.yaml included), so the retry settings are checked against its
     * checkpoint timeout here, see {@link CheckpointBudget}.
     */
    @Override
    public DataStream<InputT> addPreWriteTopology(DataStream<InputT> input) {
        CheckpointBudget.check(config, input.getExecutionEnvironment().getConfiguration());
        return input;
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
