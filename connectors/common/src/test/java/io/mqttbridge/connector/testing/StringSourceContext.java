package io.mqttbridge.connector.testing;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * One case of Flink's source test suite over String records: what every connector's context does
 * the same way (test data, type, writer bookkeeping), leaving the source and how one split is
 * written to the connector.
 */
public abstract class StringSourceContext extends StringContext implements DataStreamSourceExternalContext<String> {

    /** Writes the records of one split into the external system, in order. */
    protected interface SplitWriter extends AutoCloseable {
        void write(String record) throws Exception;

        @Override
        void close();
    }

    private final String name;
    private final List<SplitWriter> writers = new ArrayList<>();

    /** {@code name} tells this case's data apart from other cases' (a topic, a base topic). */
    protected StringSourceContext(String name) {
        this.name = name;
    }

    /**
     * Opens the writer of split {@code split} (0, 1, ... in the order the suite asks for them).
     */
    protected abstract SplitWriter openSplit(int split) throws Exception;

    /**
     * The suite's way to skip a case: a source that has no end throws {@link
     * UnsupportedOperationException} for a bounded setting, and the suite aborts that case.
     */
    protected static void requireUnbounded(TestingSourceSettings settings, String why) {
        if (settings.getBoundedness() != Boundedness.CONTINUOUS_UNBOUNDED) {
            throw new UnsupportedOperationException(why + ": the source is unbounded only");
        }
    }

    @Override
    public final ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(TestingSourceSettings settings) {
        int split = writers.size();
        SplitWriter writer;
        try {
            writer = openSplit(split);
        } catch (Exception e) {
            throw new IllegalStateException("Could not open the writer of split " + split + " of " + name, e);
        }
        writers.add(writer);
        return new ExternalSystemSplitDataWriter<>() {
            @Override
            public void writeRecords(List<String> records) {
                for (String record : records) {
                    try {
                        writer.write(record);
                    } catch (Exception e) {
                        throw new IllegalStateException("Could not write split " + split + " of " + name, e);
                    }
                }
            }

            @Override
            public void close() {
                writer.close();
            }
        };
    }

    /** 50 to 149 distinct records per split, a different set per seed, each naming its case and split. */
    @Override
    public List<String> generateTestData(TestingSourceSettings settings, int splitIndex, long seed) {
        return records(name + "/split-" + splitIndex + "/", 50, 100, seed);
    }

    @Override
    public void close() {
        writers.forEach(SplitWriter::close);
    }
}
