package io.mqttbridge.local;

import io.mqttbridge.embedded.RepositoryRoot;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteSinksTest {

    @Test
    void findsInsertTargetsWithTheirKafkaTopics() {
        List<RouteSinks.Sink> sinks =
                RouteSinks.of(
                        List.of(
                                "CREATE TABLE src (a STRING) WITH ('connector' = 'mqtt', 'topic-filter' = 'a/#')",
                                "-- a comment with INSERT INTO nothing\nCREATE TABLE `k` (a STRING) WITH (\n"
                                        + " 'connector' = 'kafka', 'topic' = 'out-1',\n"
                                        + " 'properties.bootstrap.servers' = '127.0.0.1:9092')",
                                "CREATE TABLE IF NOT EXISTS fn (a STRING) WITH ('connector' = 'http-function')",
                                "CREATE TABLE unused (a STRING) WITH ('connector' = 'kafka', 'topic' = 'never')",
                                "INSERT INTO k SELECT a FROM src",
                                "insert into default_catalog.default_database.fn SELECT a FROM src WHERE a <> ''"));
        assertThat(sinks)
                .containsExactly(
                        new RouteSinks.Sink("k", "kafka", "out-1", "127.0.0.1:9092"),
                        new RouteSinks.Sink("fn", "http-function", null, null));
        assertThat(sinks.get(0).isKafka()).isTrue();
        assertThat(sinks.get(1).isKafka()).isFalse();
    }

    @Test
    void readsTheDemoRoutes() throws Exception {
        // The demo file, split on the statement ends it uses, with the stack's addresses filled in.
        Path demo = RepositoryRoot.resolve("sql/demo.sql");
        String sql = Files.readString(demo).replace("${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}", "127.0.0.1:9092");
        List<RouteSinks.Sink> sinks = RouteSinks.of(List.of(sql.split(";\\s*\\n")));
        assertThat(sinks)
                .containsExactly(
                        new RouteSinks.Sink("vehicle_battery", "kafka", "vehicle-battery", "127.0.0.1:9092"),
                        new RouteSinks.Sink("vehicle_low_battery", "kafka", "vehicle-low-battery", "127.0.0.1:9092"),
                        new RouteSinks.Sink("low_battery_function", "http-function", null, null));
    }
}
