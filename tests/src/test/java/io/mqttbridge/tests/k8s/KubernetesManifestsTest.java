package io.mqttbridge.tests.k8s;

import io.mqttbridge.routes.FlinkConfigFile;
import io.mqttbridge.routes.RoutesFile;
import io.mqttbridge.routes.RoutesRunner;
import io.mqttbridge.embedded.RepositoryRoot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every manifest under k8s/ is read into the Flink Kubernetes Operator's model (fabric8's for
 * ConfigMap and Secret) with unknown properties failing, and the pieces fit together: the
 * deployment runs the job jar with the ConfigMap's routes file, which is valid SQL with every
 * ${env:...} it uses set by the pod, and its flinkConfiguration is checkpoints-config with shared
 * storage and a working Prometheus reporter configuration.
 */
class KubernetesManifestsTest {

    private static FlinkDeployment deployment;
    private static ConfigMap routes;
    private static Secret secret;

    @BeforeAll
    static void readManifests() throws Exception {
        List<Path> files = KubernetesManifests.all();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("flink-deployment.yaml", "routes-configmap.yaml", "mqtt-bridge-secret.example.yaml");
        for (Path file : files) {
            HasMetadata resource = KubernetesManifests.read(file);
            if (resource instanceof FlinkDeployment) {
                deployment = (FlinkDeployment) resource;
            } else if (resource instanceof ConfigMap) {
                routes = (ConfigMap) resource;
            } else if (resource instanceof Secret) {
                secret = (Secret) resource;
            }
        }
        assertThat(Files.isRegularFile(KubernetesManifests.folder().resolve("Dockerfile"))).isTrue();
    }

    @Test
    void strictReadingRejectsMisspelledPropertiesAnywhere() throws Exception {
        JsonNode good = KubernetesManifests.tree(KubernetesManifests.folder().resolve("flink-deployment.yaml"));

        JsonNode typoInJob = good.deepCopy();
        ((ObjectNode) typoInJob.path("spec").path("job")).put("upgradMode", "savepoint");
        assertThatThrownBy(() -> KubernetesManifests.read("typo.yaml", typoInJob))
                .hasMessageContaining("typo.yaml is not a valid FlinkDeployment")
                .hasMessageContaining("upgradMode");

        // fabric8's Pod model keeps unknown properties in additionalProperties instead of failing
        JsonNode typoInPod = good.deepCopy();
        ((ObjectNode) typoInPod.path("spec").path("podTemplate").path("spec").path("containers").get(0))
                .putArray("volumeMount");
        assertThatThrownBy(() -> KubernetesManifests.read("typo.yaml", typoInPod))
                .hasMessageContaining("properties the FlinkDeployment model does not have")
                .hasMessageContaining("containers[0].volumeMount");

        JsonNode badEnum = good.deepCopy();
        ((ObjectNode) badEnum.path("spec").path("job")).put("state", "paused");
        assertThatThrownBy(() -> KubernetesManifests.read("typo.yaml", badEnum)).hasMessageContaining("paused");
    }

    @Test
    void flinkVersionIsTheOneTheJobIsBuiltFor() throws Exception {
        String declared = KubernetesManifests.tree(KubernetesManifests.folder().resolve("flink-deployment.yaml"))
                .path("spec").path("flinkVersion").asText();
        String[] version = EnvironmentInformation.getVersion().split("\\.");
        assertThat(declared).isEqualTo("v" + version[0] + "_" + version[1]);
    }

    @Test
    void deploymentRunsTheJobJarInApplicationModeWithTheMountedRoutes() {
        FlinkDeploymentSpec spec = deployment.getSpec();
        assertThat(deployment.getApiVersion()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(spec.getJob().getJarURI()).isEqualTo("local:///opt/flink/usrlib/mqtt-bridge-job.jar");
        assertThat(spec.getJob().getEntryClass()).isEqualTo("io.mqttbridge.RoutesJob");
        assertThat(spec.getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(spec.getJob().getState()).isEqualTo(JobState.RUNNING);
        assertThat(spec.getJob().getParallelism()).isPositive();

        List<String> args = Arrays.asList(spec.getJob().getArgs());
        String routesPath = args.get(args.indexOf("--routes") + 1);

        Container container = mainContainer();
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> routesPath.startsWith(m.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted above " + routesPath));
        Volume volume = spec.getPodTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume named " + mount.getName()));
        assertThat(volume.getConfigMap().getName()).isEqualTo(routes.getMetadata().getName());
        assertThat(routes.getData()).containsKey(Path.of(routesPath).getFileName().toString());

        assertThat(container.getEnvFrom()).extracting(EnvFromSource::getSecretRef).isNotEmpty()
                .allSatisfy(ref -> assertThat(ref.getName()).isEqualTo(secret.getMetadata().getName()));
    }

    @Test
    void routesFileOfTheConfigMapIsValidWithTheEnvironmentThePodsGet() {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : mainContainer().getEnv()) {
            env.put(var.getName(), var.getValue());
        }
        env.putAll(secret.getStringData());
        String sql = routes.getData().values().iterator().next();

        // every ${env:NAME} without default is set by the pod (a Secret key or an env entry)
        Matcher reference = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}").matcher(sql);
        int references = 0;
        while (reference.find()) {
            references++;
            if (reference.group(2) == null) {
                assertThat(env).as("${env:%s} of the routes file", reference.group(1)).containsKey(reference.group(1));
            }
        }
        assertThat(references).isGreaterThanOrEqualTo(4);

        RoutesFile file = RoutesFile.parse(Path.of("routes-configmap.yaml"), sql, env);
        RoutesRunner.validate(StreamExecutionEnvironment.getExecutionEnvironment(new Configuration()), file);
    }

    @Test
    void flinkConfigurationIsCheckpointsConfigWithSharedStorage() {
        Map<String, String> checkpoints = FlinkConfigFile.loadFlat(
                RepositoryRoot.resolve("checkpoints-config/config.yaml"));
        Map<String, String> flink = deployment.getSpec().getFlinkConfiguration();
        for (Map.Entry<String, String> entry : checkpoints.entrySet()) {
            String key = entry.getKey();
            assertThat(flink).as("flinkConfiguration of k8s/flink-deployment.yaml").containsKey(key);
            if (key.endsWith(".dir") || key.endsWith("-dir")) {
                // pods come and go: storage must be shared, never the pod's own disk
                assertThat(flink.get(key)).as(key).startsWith("s3://");
            } else {
                assertThat(Configuration.fromMap(Map.of(key, flink.get(key))).toMap())
                        .as(key).isEqualTo(Configuration.fromMap(Map.of(key, entry.getValue())).toMap());
            }
        }
        assertThat(flink).containsEntry("metrics.reporter.prom.factory.class", PrometheusReporterFactory.class.getName());
    }

    /** The other keys are checked in the job module (KubernetesFlinkConfigurationTest), as checkpoints-config is. */
    @Test
    void metricReporterKeysAreOptionsOfTheNamedReporter() {
        Map<String, String> flink = deployment.getSpec().getFlinkConfiguration();
        assertThat(flink.keySet()).filteredOn(k -> k.startsWith("metrics.reporter.")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(ReporterConfigurationKeys.check(flink)).isEmpty();

        String factory = PrometheusReporterFactory.class.getName();
        assertThat(ReporterConfigurationKeys.check(Map.of("metrics.reporter.prom.factory.class", factory, "metrics.reporter.prom.prot", "9249")))
                .singleElement().asString().startsWith("unknown key 'metrics.reporter.prom.prot'");
        assertThat(ReporterConfigurationKeys.check(Map.of("metrics.reporter.prom.factory.class", factory + "s")))
                .singleElement().asString().contains("no class " + factory + "s");
        assertThat(ReporterConfigurationKeys.check(Map.of("metrics.reporter.prom.factory.class", factory, "metrics.reporter.prom.port", "ninety")))
                .singleElement().asString().startsWith("bad value for 'metrics.reporter.prom.port'");
    }

    private static Container mainContainer() {
        return deployment.getSpec().getPodTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("flink-main-container")).findFirst()
                .orElseThrow(() -> new AssertionError("podTemplate has no container 'flink-main-container'"));
    }
}
