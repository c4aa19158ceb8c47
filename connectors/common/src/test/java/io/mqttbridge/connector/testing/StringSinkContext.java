package io.mqttbridge.connector.testing;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One case of Flink's sink test suite over String records: test data, type and jar paths as every
 * connector's context has them, leaving the sink and how the written records are read back.
 */
public abstract class StringSinkContext implements DataStreamSinkV2ExternalContext<String> {

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
        Random random = new Random(seed);
        int n = 100 + random.nextInt(200);
        List<String> data = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            data.add(name + "-" + i + "-" + Long.toHexString(random.nextLong()));
        }
        return data;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    /** The connector is on the test classpath already. */
    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }

    @Override
    public void close() {}
}
