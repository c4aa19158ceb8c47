package io.mqttbridge.rocketmq.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;

/**
 * The {@code rocketmq} sink: a Sink V2 writer per subtask on RocketMQ's {@code DefaultMQProducer},
 * at-least-once. Sends are asynchronous; at every checkpoint the writer waits until the broker has
 * acknowledged every message sent so far, and a send that fails after its retries fails the
 * checkpoint, so the job restarts from the previous one and resends: nothing is lost silently.
 *
 * <pre>{@code
 * stream.sinkTo(new RocketMqSink<>(RocketMqSinkConfig.of(options, Map.of()), serializer));
 * }</pre>
 */
@PublicEvolving
public final class RocketMqSink<IN> implements Sink<IN> {
    private static final long serialVersionUID = 1L;

    private final RocketMqSinkConfig config;
    private final RocketMqMessageSerializer<IN> serializer;

    public RocketMqSink(RocketMqSinkConfig config, RocketMqMessageSerializer<IN> serializer) {
        this.config = config;
        this.serializer = serializer;
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        try {
            serializer.open(context.asSerializationSchemaInitializationContext());
        } catch (Exception e) {
            throw new IOException("Cannot open the serializer of the RocketMQ sink: " + e, e);
        }
        return new RocketMqSinkWriter<>(
                config,
                serializer,
                new RocketMqSinkMetrics(context.metricGroup()),
                context.getTaskInfo().getIndexOfThisSubtask());
    }

    public RocketMqSinkConfig config() {
        return config;
    }
}
