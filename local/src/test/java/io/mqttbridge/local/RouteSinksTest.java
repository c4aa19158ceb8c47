package io.mqttbridge.local;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.routes.RoutesFile;
import io.mqttbridge.routes.RoutesPlan;
import io.mqttbridge.routes.RoutesRunner;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class RouteSinksTest {

    private static final String LOCAL = "127.0.0.1:9092";

    private static RoutesPlan plan(List<String> files, Map<String, String> env) {
        return RoutesRunner.plan(StreamExecutionEnvironment.getExecutionEnvironment(),
                RoutesFile.load(files.stream().map(f -> RepositoryRoot.resolve("sql/" + f)).collect(Collectors.toList()), env));
    }

    private static RoutesPlan.SinkTable table(String name, String... options) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            map.put(options[i], options[i + 1]);
        }
        return new RoutesPlan.SinkTable("default_catalog.default_database." + name, name, map);
    }

    @Test
    void readsTheDemoRoutesThroughThePlanner() {
        List<RouteSinks.Sink> sinks = RouteSinks.of(plan(LocalStackOptions.DEMO_ROUTES, Map.of("KAFKA_BOOTSTRAP", LOCAL)), LOCAL);
        assertThat(RouteSinks.tables(sinks)).containsExactly(
                "vehicle_battery", "vehicle_low_battery", "low_battery_function", "station_wills", "device_commands_mqtt");
        assertThat(RouteSinks.countedTopics(sinks, Set.of())).containsExactly("vehicle-battery", "vehicle-low-battery");
    }

    @Test
    void topicListsAndPatternsOfTheLocalBrokerOnly() {
        RoutesPlan plan = new RoutesPlan("job", List.of(
                table("per_site", "connector", "kafka", "topic", "temp-s1;temp-s2", "properties.bootstrap.servers", LOCAL),
                table("by_type", "connector", "Kafka", "topic-pattern", "type-.*",
                        "properties.bootstrap.servers", "10.0.0.1:9092," + LOCAL),
                table("latest", "connector", "upsert-kafka", "topic", "latest", "properties.bootstrap.servers", LOCAL),
                table("remote", "connector", "kafka", "topic", "elsewhere", "properties.bootstrap.servers", "10.0.0.1:9092"),
                table("fn", "connector", "http-function", "url", "http://127.0.0.1:8090/f"),
                table("per_site", "connector", "kafka", "topic", "temp-s3", "properties.bootstrap.servers", LOCAL)));
        List<RouteSinks.Sink> sinks = RouteSinks.of(plan, LOCAL);
        assertThat(sinks).extracting(RouteSinks.Sink::topics).containsExactly(
                List.of("temp-s1", "temp-s2"), List.of(), List.of("latest"), List.of(), List.of(), List.of("temp-s3"));
        assertThat(RouteSinks.tables(sinks)).containsExactly("per_site", "by_type", "latest", "remote", "fn");
        assertThat(RouteSinks.anyTopicPattern(sinks)).isTrue();
        assertThat(RouteSinks.countedTopics(sinks, Set.of("type-van", "other", "type-car", "temp-s1")))
                .containsExactly("temp-s1", "temp-s2", "latest", "temp-s3", "type-car", "type-van");
    }

    @Test
    void theTopicPerSiteRecipeGetsEachListedTopicOnTheLocalBroker(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp)) {
            RoutesPlan plan = plan(List.of("kafka-topic-per-site.sql"), Map.of("KAFKA_BOOTSTRAP", kafka.bootstrapServers()));
            List<RouteSinks.Sink> sinks = RouteSinks.of(plan, kafka.bootstrapServers());
            RouteSinks.createTopics(sinks, kafka);
            assertThat(kafka.topics()).containsExactlyInAnyOrder("temp-s1", "temp-s2", "temp-s3");
            assertThat(RouteSinks.anyTopicPattern(sinks)).isFalse();
            assertThat(RouteSinks.countedTopics(sinks, List.of())).containsExactly("temp-s1", "temp-s2", "temp-s3");
        }
    }
}
