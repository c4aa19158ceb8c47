package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.RepositoryRoot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Flink cluster, the SQL client and the SQL Gateway rely on, checked without running them, for
 * each shaded jar the build makes: the job jar and the connectors' SQL jars (ADD JAR). Each is small,
 * bundles no class that a Flink distribution already has, holds its own classes, and its SPI file
 * lists every factory (merged, not overwritten by the last jar shaded in).
 */
class ShadedJarTest {

    private static final String FACTORY_SERVICE = "META-INF/services/org.apache.flink.table.factories.Factory";

    /** A shaded jar, the connector modules whose factories it must list, and classes it must hold. */
    enum ShadedJar {
        // RocketMQ's client (its own classes, fastjson 1 and 2, netty-all's codecs) adds about 10 MB.
        JOB("job/target/mqtt-bridge-job.jar", 40_000_000,
                List.of("connectors/mqtt", "connectors/http-function", "connectors/rocketmq"),
                List.of("org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory",
                        "org.apache.flink.streaming.connectors.kafka.table.UpsertKafkaDynamicTableFactory"),
                List.of("io/mqttbridge/RoutesJob.class", "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                        "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                        "io/mqttbridge/rocketmq/table/RocketMqDynamicTableFactory.class",
                        "org/apache/rocketmq/client/producer/DefaultMQProducer.class",
                        "com/alibaba/fastjson/JSON.class")),
        MQTT_SQL("connectors/mqtt/target/mqtt-bridge-sql-connector-mqtt.jar", 10_000_000,
                List.of("connectors/mqtt"),
                List.of(),
                List.of("io/mqttbridge/mqtt/table/MqttDynamicTableFactory.class",
                        "io/mqttbridge/mqtt/functions/MqttModuleFactory.class",
                        "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                        // the HiveMQ client and its netty, relocated (see the shade configuration)
                        "io/mqttbridge/mqtt/shaded/com/hivemq/client/mqtt/MqttClient.class",
                        "io/mqttbridge/mqtt/shaded/io/netty/channel/Channel.class")),
        HTTP_FUNCTION_SQL("connectors/http-function/target/mqtt-bridge-sql-connector-http-function.jar", 2_000_000,
                List.of("connectors/http-function"),
                List.of(),
                List.of("io/mqttbridge/httpfunction/table/HttpFunctionDynamicTableFactory.class",
                        "org/apache/flink/connector/base/sink/AsyncSinkBase.class")),
        ROCKETMQ_SQL("connectors/rocketmq/target/mqtt-bridge-sql-connector-rocketmq.jar", 20_000_000,
                List.of("connectors/rocketmq"),
                List.of(),
                List.of("io/mqttbridge/rocketmq/table/RocketMqDynamicTableFactory.class",
                        "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                        "org/apache/rocketmq/client/consumer/DefaultLitePullConsumer.class",
                        // the client's libraries, relocated (see the shade configuration)
                        "io/mqttbridge/rocketmq/shaded/io/netty/channel/Channel.class",
                        "io/mqttbridge/rocketmq/shaded/com/alibaba/fastjson/JSON.class"));

        final String path;
        final long maxBytes;
        final List<String> connectorModules;
        final List<String> otherFactories;
        final List<String> ownClasses;

        ShadedJar(String path, long maxBytes, List<String> connectorModules, List<String> otherFactories, List<String> ownClasses) {
            this.path = path;
            this.maxBytes = maxBytes;
            this.connectorModules = connectorModules;
            this.otherFactories = otherFactories;
            this.ownClasses = ownClasses;
        }

        Path file() {
            return built(path);
        }
    }

    /** A file of the repository that the build makes; fails naming the build command when it is missing. */
    static Path built(String relativePath) {
        Path file = RepositoryRoot.path().resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build it through the reactor to the package phase, e.g."
                    + " `mvn -pl tests -am verify -Dtest=ShadedJarTest -Dsurefire.failIfNoSpecifiedTests=false`");
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(ShadedJar.class)
    void jarIsSmall(ShadedJar jar) throws IOException {
        assertThat(Files.size(jar.file())).isLessThan(jar.maxBytes);
    }

    @ParameterizedTest
    @EnumSource(ShadedJar.class)
    void bundlesNoClassOfTheFlinkDistribution(ShadedJar jar) throws IOException {
        Set<String> bundled = classes(jar.file());
        List<String> clashes = new ArrayList<>();
        try (Stream<Path> lib = Files.list(RepositoryRoot.path().resolve("job/target/flink-lib"))) {
            for (Path flinkJar : (Iterable<Path>) lib.filter(p -> p.getFileName().toString().startsWith("flink-"))::iterator) {
                for (String type : classes(flinkJar)) {
                    if (bundled.contains(type)) {
                        clashes.add(type + " (" + flinkJar.getFileName() + ")");
                    }
                }
            }
        }
        assertThat(clashes).as("classes of Flink's lib/ also in %s", jar.path).isEmpty();
        assertThat(bundled).as("the jar's own classes are there").containsAll(jar.ownClasses);
    }

    @ParameterizedTest
    @EnumSource(ShadedJar.class)
    void serviceFileListsTheJarsFactories(ShadedJar jar) throws IOException {
        List<String> own = new ArrayList<>();
        for (String module : jar.connectorModules) {
            Files.readAllLines(RepositoryRoot.path().resolve(module + "/src/main/resources/" + FACTORY_SERVICE)).stream()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(own::add);
        }
        assertThat(own).as("factories declared by %s", jar.connectorModules).isNotEmpty();
        try (ZipFile zip = new ZipFile(jar.file().toFile())) {
            String factories = new String(zip.getInputStream(zip.getEntry(FACTORY_SERVICE)).readAllBytes(), StandardCharsets.UTF_8);
            List<String> expected = new ArrayList<>(own);
            expected.addAll(jar.otherFactories);
            assertThat(factories).contains(expected);
        }
    }

    /**
     * A SQL jar shares one class loader with whatever else a session adds: apart from its own classes
     * and Flink's connector base, every class it bundles is relocated under its own package. The one
     * exception is RocketMQ's client itself (with the logback it ships already relocated under
     * org/apache/rocketmq/logging and its converters): its logback configuration names its classes.
     */
    @ParameterizedTest
    @EnumSource(value = ShadedJar.class, names = {"MQTT_SQL", "HTTP_FUNCTION_SQL", "ROCKETMQ_SQL"})
    void sqlJarBundlesNoLibraryUnderItsOriginalName(ShadedJar jar) throws IOException {
        List<String> kept = new ArrayList<>(List.of("io/mqttbridge/", "org/apache/flink/connector/base/"));
        if (jar == ShadedJar.ROCKETMQ_SQL) {
            kept.addAll(List.of("org/apache/rocketmq/", "io/github/aliyunmq/"));
        }
        List<String> foreign = classes(jar.file()).stream()
                .filter(c -> kept.stream().noneMatch(c::startsWith))
                .sorted().limit(20).collect(Collectors.toList());
        assertThat(foreign).as("classes of %s outside io/mqttbridge/ and flink-connector-base", jar.path).isEmpty();
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
