package io.mqttbridge.connector.testing;

import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Flink's source test suite with its environment, the one semantic a connector claims and its
 * contexts given at construction; a connector's test extends it in a {@code @Nested} class. (The
 * suite finds these annotated fields in superclasses too.)
 */
public abstract class StringSourceSuite extends SourceTestSuiteBase<String> {

    @TestEnv protected final MiniClusterTestEnvironment flink;

    @TestSemantics protected final CheckpointingMode[] semantics;

    @TestContext protected final ExternalContextFactory<? extends StringSourceContext> contexts;

    protected StringSourceSuite(
            MiniClusterTestEnvironment flink, CheckpointingMode semantic, ExternalContextFactory<? extends StringSourceContext> contexts) {
        this.flink = flink;
        this.semantics = new CheckpointingMode[] {semantic};
        this.contexts = contexts;
    }
}
