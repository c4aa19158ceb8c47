package io.mqttbridge.routes;

import io.mqttbridge.embedded.RepositoryRoot;

import org.apache.flink.configuration.YamlParserUtils;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flinkConfiguration of k8s/flink-deployment.yaml, checked key by key like checkpoints-config.
 * Reporter keys ({@code metrics.reporter.<name>.*}) are checked by the tests module's
 * KubernetesManifestsTest, which has the Prometheus reporter on its class path.
 */
class KubernetesFlinkConfigurationTest {

    static final Path DEPLOYMENT = RepositoryRoot.resolve("k8s/flink-deployment.yaml");

    @Test
    void everyKeyIsACurrentFlinkOptionWithAValidValue() throws Exception {
        Map<String, Object> yaml = YamlParserUtils.loadYamlFile(DEPLOYMENT.toFile());
        Object spec = yaml.get("spec");
        assertThat(spec).isInstanceOf(Map.class);
        Object flinkConfiguration = ((Map<?, ?>) spec).get("flinkConfiguration");
        assertThat(flinkConfiguration).as("spec.flinkConfiguration of %s", DEPLOYMENT).isInstanceOf(Map.class);

        Map<String, String> flat = new LinkedHashMap<>();
        ((Map<?, ?>) flinkConfiguration).forEach((key, value) -> {
            if (!String.valueOf(key).startsWith("metrics.reporter.")) {
                flat.put(String.valueOf(key), String.valueOf(value));
            }
        });
        assertThat(flat).hasSizeGreaterThan(15);
        assertThat(new FlinkOptionKeys().check(flat)).isEmpty();
    }
}
