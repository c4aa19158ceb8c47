package io.mqttbridge.connector.testing;

import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Flink's sink test suite on a plain MiniCluster, with the one semantic a connector claims and its
 * contexts given at construction; a connector's test extends it in a {@code @Nested} class.
 */
public abstract class StringSinkSuite extends SinkTestSuiteBase<String> {

    @TestEnv protected final MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestSemantics protected final CheckpointingMode[] semantics;

    @TestContext protected final ExternalContextFactory<? extends StringSinkContext> contexts;

    protected StringSinkSuite(CheckpointingMode semantic, ExternalContextFactory<? extends StringSinkContext> contexts) {
        this.semantics = new CheckpointingMode[] {semantic};
        this.contexts = contexts;
    }
}
