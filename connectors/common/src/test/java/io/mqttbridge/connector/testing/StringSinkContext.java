package io.mqttbridge.connector.testing;

import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * One case of Flink's sink test suite over String records: test data, type and jar paths as every
 * connector's context has them, leaving the sink and how the written records are read back.
 */
public abstract class StringSinkContext extends StringContext implements DataStreamSinkV2ExternalContext<String> {

    private final String name;

    /** {@code name} starts every generated record (a topic, a function). */
    protected StringSinkContext(String name) {
        this.name = name;
    }

    /** A reader whose every poll returns what {@code fresh} gives: the records stored since the last poll. */
    protected static ExternalSystemDataReader<String> reader(Supplier<List<String>> fresh) {
        return new ExternalSystemDataReader<>() {
            @Override
            public List<String> poll(Duration timeout) {
                return fresh.get();
            }

            @Override
            public void close() {}
        };
    }

    /** 100 to 299 distinct records, a different set per seed. */
    @Override
    public List<String> generateTestData(TestingSinkSettings settings, long seed) {
        return records(name + "-", 100, 200, seed);
    }

    @Override
    public void close() {}
}
