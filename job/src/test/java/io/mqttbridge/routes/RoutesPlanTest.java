package io.mqttbridge.routes;

import io.mqttbridge.embedded.RepositoryRoot;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link RoutesRunner#plan}: the INSERT targets as the connectors will see them, without a job. */
class RoutesPlanTest {

    private static final Path RECIPE = RepositoryRoot.resolve("sql/kafka-topic-per-site.sql");

    private static RoutesPlan plan(String sql, Map<String, String> env) {
        return RoutesRunner.plan(StreamExecutionEnvironment.getExecutionEnvironment(), RoutesFile.parse(Path.of("r.sql"), sql, env));
    }

    @Test
    void listsEachInsertTargetOnceWithItsSubstitutedOptions() {
        RoutesPlan plan = plan(String.join("\n",
                "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen');",
                "CREATE TABLE unused (id BIGINT) WITH ('connector' = 'blackhole');",
                "INSERT INTO `out t` SELECT id FROM src;",
                "CREATE TABLE `out t` (id BIGINT) WITH ('connector' = 'BlackHole', 'x' = '${env:X:-fallback}');",
                "CREATE TABLE other (id BIGINT) WITH ('connector' = 'print', 'print-identifier' = '${env:ID}');",
                "INSERT INTO other SELECT id FROM src;",
                "INSERT INTO default_catalog.default_database.`out t` SELECT id + 1 FROM src;"),
                Map.of("ID", "it's me"));
        assertThat(plan.jobName()).isEqualTo("r");
        assertThat(plan.sinks()).containsExactly(
                new RoutesPlan.SinkTable("default_catalog.default_database.out t", "out t",
                        Map.of("connector", "BlackHole", "x", "fallback")),
                new RoutesPlan.SinkTable("default_catalog.default_database.other", "other",
                        Map.of("connector", "print", "print-identifier", "it's me")));
        assertThat(plan.sinks().get(0).connector()).isEqualTo("blackhole");
    }

    @Test
    void anOptionsHintOfTheInsertOverridesTheTableOptions() {
        RoutesPlan plan = plan(String.join("\n",
                "SET 'pipeline.name' = 'hinted';",
                "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen');",
                "CREATE TABLE out_t (id BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'a');",
                "INSERT INTO out_t SELECT id FROM src;",
                "INSERT INTO out_t /*+ OPTIONS('print-identifier' = 'b') */ SELECT id FROM src;"), Map.of());
        assertThat(plan.jobName()).isEqualTo("hinted");
        assertThat(plan.sinks()).extracting(s -> s.options().get("print-identifier")).containsExactly("a", "b");
    }

    @Test
    void anInsertTheRunnerRefusesIsLocatedInTheFile() {
        RoutesException e = catchThrowableOfType(RoutesException.class, () -> plan(String.join("\n",
                "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen');",
                "CREATE TABLE out_t (id BIGINT) WITH ('connector' = 'blackhole');",
                "INSERT INTO out_t",
                "SELECT nope FROM src;"), Map.of()));
        assertThat(e.getMessage()).startsWith("r.sql:4:8: ").contains("nope");
    }

    @Test
    void theTopicPerSiteRecipeIsValidAndWritesToAKafkaTopicList() {
        Map<String, String> env = Map.of("MQTT_URI", "tcp://127.0.0.1:1", "KAFKA_BOOTSTRAP", "127.0.0.1:2");
        // What the runner accepts (the Kafka sink with a topic list and a writable topic column) ...
        RoutesRunner.validate(StreamExecutionEnvironment.getExecutionEnvironment(), RoutesFile.load(RECIPE, env));
        // ... the plan shows as it is: the list, not one topic named 'temp-s1;temp-s2;temp-s3'.
        RoutesPlan plan = RoutesRunner.plan(StreamExecutionEnvironment.getExecutionEnvironment(), RoutesFile.load(RECIPE, env));
        assertThat(plan.jobName()).isEqualTo("kafka-topic-per-site");
        assertThat(plan.sinks()).singleElement().satisfies(sink -> {
            assertThat(sink.name()).isEqualTo("site_temperature");
            assertThat(sink.connector()).isEqualTo("kafka");
            assertThat(sink.options())
                    .containsEntry("topic", "temp-s1;temp-s2;temp-s3")
                    .containsEntry("properties.bootstrap.servers", "127.0.0.1:2");
        });
    }
}
