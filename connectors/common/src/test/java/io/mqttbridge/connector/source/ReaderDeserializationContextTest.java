package io.mqttbridge.connector.source;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReaderDeserializationContextTest {

    @Test
    void givesTheDeserializerTheReadersDeserializerMetricGroupAndClassLoader() {
        List<String> groupsAdded = new ArrayList<>();
        MetricGroup deserializerGroup = new UnregisteredMetricsGroup();
        SourceReaderMetricGroup readerGroup = stub(SourceReaderMetricGroup.class, (name, args) -> {
            if (name.equals("addGroup") && args.length == 1) {
                groupsAdded.add((String) args[0]);
                return deserializerGroup;
            }
            throw new UnsupportedOperationException(name);
        });
        UserCodeClassLoader classLoader = SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        SourceReaderContext reader = stub(SourceReaderContext.class, (name, args) -> {
            switch (name) {
                case "metricGroup":
                    return readerGroup;
                case "getUserCodeClassLoader":
                    return classLoader;
                default:
                    throw new UnsupportedOperationException(name);
            }
        });

        ReaderDeserializationContext context = new ReaderDeserializationContext(reader);

        assertThat(context.getMetricGroup()).isSameAs(deserializerGroup);
        assertThat(groupsAdded).containsExactly("deserializer");
        assertThat(context.getUserCodeClassLoader()).isSameAs(classLoader);
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T stub(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(),
                new Class<?>[] {type},
                (proxy, method, args) -> answer.answer(method.getName(), args == null ? new Object[0] : args)));
    }
}
