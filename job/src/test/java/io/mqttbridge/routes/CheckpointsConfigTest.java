package io.mqttbridge.routes;

import io.mqttbridge.embedded.RepositoryRoot;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** checkpoints-config/config.yaml: every key a current Flink option, every value parseable, the documented choices. */
class CheckpointsConfigTest {

    static final Path CONFIG = RepositoryRoot.resolve("checkpoints-config/config.yaml");

    private static FlinkOptionKeys keys;

    @BeforeAll
    static void scanFlinkOptions() throws Exception {
        keys = new FlinkOptionKeys();
        assertThat(keys.classes).contains("CheckpointingOptions", "StateBackendOptions", "RestartStrategyOptions",
                "PipelineOptions", "ExecutionConfigOptions");
    }

    @Test
    void everyKeyIsACurrentFlinkOptionWithAValidValue() {
        Map<String, String> flat = FlinkConfigFile.loadFlat(CONFIG);
        assertThat(flat).hasSizeGreaterThan(10);
        assertThat(keys.check(flat)).isEmpty();
    }

    @Test
    void checkCatchesTyposDeprecatedKeysAndBadValues() {
        assertThat(keys.check(Map.of("execution.checkpointing.intervall", "500ms")))
                .containsExactly("unknown key 'execution.checkpointing.intervall', did you mean 'execution.checkpointing.interval'?");
        assertThat(keys.check(Map.of("execution.checkpointing.interval", "often")))
                .singleElement().asString().startsWith("bad value for 'execution.checkpointing.interval'");
        assertThat(keys.check(Map.of("execution.checkpointing.mode", "MOSTLY_ONCE")))
                .singleElement().asString().startsWith("bad value for 'execution.checkpointing.mode'");
    }

    @Test
    void choicesAreTheDocumentedOnes() {
        Configuration c = FlinkConfigFile.load(CONFIG);
        // Acks wait for checkpoints: the interval bounds throughput, it must stay short.
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)).isGreaterThan(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertThat(c.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isPositive();
        assertThat(c.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION).name()).isEqualTo("RETAIN_ON_CANCELLATION");
        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:///");
        assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    }
}
