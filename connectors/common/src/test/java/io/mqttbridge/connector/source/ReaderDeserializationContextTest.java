package io.mqttbridge.connector.source;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReaderDeserializationContextTest {

    @Test
    void givesTheDeserializerTheReadersDeserializerMetricGroupAndClassLoader() {
        MetricListener metrics = new MetricListener();
        TestingReaderContext reader = new TestingReaderContext(
                new Configuration(), InternalSourceReaderMetricGroup.mock(metrics.getMetricGroup()));

        ReaderDeserializationContext context = new ReaderDeserializationContext(reader);
        context.getMetricGroup().counter("decodeErrors").inc(3);

        assertThat(metrics.getCounter("deserializer", "decodeErrors"))
                .hasValueSatisfying(counter -> assertThat(counter.getCount()).isEqualTo(3));
        assertThat(context.getUserCodeClassLoader().asClassLoader())
                .isSameAs(reader.getUserCodeClassLoader().asClassLoader());
    }
}
