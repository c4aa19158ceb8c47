package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.RepositoryRoot;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the cluster test relies on, checked without a cluster: the shaded jar is small, bundles no
 * class that the cluster's Flink already has, and its SPI files list every factory (merged, not
 * overwritten by the last jar shaded in).
 */
class ShadedJarTest {

    private static final long MAX_BYTES = 30_000_000;

    @Test
    void jarIsUnderThirtyMegabytes() throws IOException {
        assertThat(Files.size(StandaloneFlinkCluster.jobJar())).isLessThan(MAX_BYTES);
    }

    @Test
    void bundlesNoClassOfTheFlinkDistribution() throws IOException {
        Set<String> jobClasses = classes(StandaloneFlinkCluster.jobJar());
        List<String> clashes = new ArrayList<>();
        try (Stream<Path> lib = Files.list(RepositoryRoot.path().resolve("job/target/flink-lib"))) {
            for (Path jar : (Iterable<Path>) lib.filter(p -> p.getFileName().toString().startsWith("flink-"))::iterator) {
                for (String type : classes(jar)) {
                    if (jobClasses.contains(type)) {
                        clashes.add(type + " (" + jar.getFileName() + ")");
                    }
                }
            }
        }
        assertThat(clashes).as("classes of Flink's lib/ also in the job jar").isEmpty();
        assertThat(jobClasses).as("the jar's own connector classes are there")
                .contains("io/mqttbridge/RoutesJob.class", "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                        "org/apache/flink/connector/base/source/reader/SourceReaderBase.class");
    }

    @Test
    void serviceFilesListEveryFactory() throws IOException {
        String service = "META-INF/services/org.apache.flink.table.factories.Factory";
        List<String> own = new ArrayList<>();
        for (String connector : List.of("connectors/mqtt", "connectors/http-function")) {
            Files.readAllLines(RepositoryRoot.path().resolve(connector + "/src/main/resources/" + service)).stream()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(own::add);
        }
        assertThat(own).contains("io.mqttbridge.mqtt.table.MqttDynamicTableFactory",
                "io.mqttbridge.httpfunction.table.HttpFunctionDynamicTableFactory", "io.mqttbridge.mqtt.functions.MqttModuleFactory");
        try (ZipFile jar = new ZipFile(StandaloneFlinkCluster.jobJar().toFile())) {
            String factories = new String(jar.getInputStream(jar.getEntry(service)).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(factories).contains(own);
            assertThat(factories).contains(
                    "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory",
                    "org.apache.flink.streaming.connectors.kafka.table.UpsertKafkaDynamicTableFactory");
        }
    }

    private static Set<String> classes(Path jar) throws IOException {
        Set<String> names = new HashSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
