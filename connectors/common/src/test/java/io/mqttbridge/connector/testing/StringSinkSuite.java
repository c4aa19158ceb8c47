package io.mqttbridge.connector.testing;

import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's sink test suite on a plain MiniCluster, with the one semantic a connector claims and its
 * contexts given at construction; a connector's test extends it in a {@code @Nested} class.
 */
public abstract class StringSinkSuite extends SinkTestSuiteBase<String> {

    /** How long the written records may take to show up in the external system. */
    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(3);

    @TestEnv protected final MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestSemantics protected final CheckpointingMode[] semantics;

    @TestContext protected final ExternalContextFactory<? extends StringSinkContext> contexts;

    protected StringSinkSuite(CheckpointingMode semantic, ExternalContextFactory<? extends StringSinkContext> contexts) {
        this.semantics = new CheckpointingMode[] {semantic};
        this.contexts = contexts;
    }

    /**
     * The same verdict as Flink's check (at-least-once: every record at least once; exactly-once: each
     * exactly once), but Flink's waits for the records without a deadline, so a lost record hangs the
     * build; this one fails after {@link #RESULT_TIMEOUT} saying how many records are missing, and which.
     */
    @Override
    protected void checkResultWithSemantic(
            ExternalSystemDataReader<String> reader, List<String> testData, CheckpointingMode semantic) throws Exception {
        Map<String, Integer> expected = counts(testData);
        Map<String, Integer> written = new HashMap<>();
        long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
        List<String> missing = missing(expected, written);
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            for (String record : reader.poll(Duration.ofSeconds(1))) {
                written.merge(record, 1, Integer::sum);
            }
            missing = missing(expected, written);
        }
        assertThat(missing)
                .as("records of %d the sink was given that the external system did not hold after %s (first 10 shown)",
                        testData.size(), RESULT_TIMEOUT)
                .isEmpty();
        if (semantic == CheckpointingMode.EXACTLY_ONCE) {
            assertThat(written).as("each record exactly once").isEqualTo(expected);
        }
    }

    private static Map<String, Integer> counts(List<String> records) {
        Map<String, Integer> counts = new HashMap<>();
        records.forEach(r -> counts.merge(r, 1, Integer::sum));
        return counts;
    }

    /** Up to 10 records held fewer times than expected. */
    private static List<String> missing(Map<String, Integer> expected, Map<String, Integer> written) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            if (written.getOrDefault(e.getKey(), 0) < e.getValue() && missing.size() < 10) {
                missing.add(e.getKey());
            }
        }
        return missing;
    }
}
