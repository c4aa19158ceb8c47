package io.mqttbridge.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * What a source reader opens its record deserializer (and so the table's format) with: the
 * reader's metric group under {@code deserializer} and the job's user-code class loader. A format
 * that loads classes (Avro, Protobuf) or registers metrics needs both from the reader; Flink's
 * {@code SourceReaderContext} does not offer them in this form.
 */
@Internal
public final class ReaderDeserializationContext implements DeserializationSchema.InitializationContext {

    private final SourceReaderContext reader;

    public ReaderDeserializationContext(SourceReaderContext reader) {
        this.reader = reader;
    }

    @Override
    public MetricGroup getMetricGroup() {
        return reader.metricGroup().addGroup("deserializer");
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        return reader.getUserCodeClassLoader();
    }
}
