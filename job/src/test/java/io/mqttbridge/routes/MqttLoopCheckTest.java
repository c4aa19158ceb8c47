package io.mqttbridge.routes;

import io.mqttbridge.embedded.RepositoryRoot;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** --validate warns about a route that publishes into a topic an mqtt table of the same file subscribes to. */
class MqttLoopCheckTest {

    private static final String SOURCE = "CREATE TABLE telemetry (vin STRING, soc DOUBLE) WITH ('connector' = 'mqtt',"
            + " 'server-uri' = 'tcp://127.0.0.1:1883', 'topic-filter' = 'devices/+/telemetry,alerts/#', 'format' = 'json');\n";

    private static List<String> warnings(String sql) {
        return RoutesRunner.validateWithWarnings(
                StreamExecutionEnvironment.getExecutionEnvironment(), RoutesFile.parse(Path.of("r.sql"), sql, Map.of()));
    }

    @Test
    void aStaticTopicThatASourceSubscribesToIsALoop() {
        List<String> warnings = warnings(SOURCE
                + "CREATE TABLE alerts (vin STRING) WITH ('connector' = 'mqtt', 'server-uri' = 'tcp://127.0.0.1:1883',"
                + " 'topic' = 'alerts/low-battery', 'format' = 'json');\n"
                + "INSERT INTO alerts SELECT vin FROM telemetry WHERE soc < 10;");
        assertThat(warnings).singleElement().asString()
                .startsWith("r.sql:3:1: warning: the route into mqtt table 'alerts' publishes to topic 'alerts/low-battery', "
                        + "which mqtt table 'telemetry' of this file subscribes to with filter 'alerts/#' on the same broker");
    }

    @Test
    void aTopicPerRowIsCheckedByItsLiteralPrefix() {
        List<String> warnings = warnings(SOURCE
                + "CREATE TABLE echo (vin STRING, t STRING METADATA FROM 'topic') WITH ('connector' = 'mqtt',"
                + " 'server-uri' = 'tcp://127.0.0.1:1883', 'format' = 'json');\n"
                + "INSERT INTO echo SELECT vin, 'devices/' || vin || '/telemetry' FROM telemetry;");
        assertThat(warnings).singleElement().asString()
                .contains("the route into mqtt table 'echo' may publish to topics starting with 'devices/', which mqtt table "
                        + "'telemetry' of this file subscribes to with filter 'devices/+/telemetry'");
    }

    @Test
    void otherTopicsOrAnotherBrokerAreNoLoop() {
        assertThat(warnings(SOURCE
                + "CREATE TABLE commands (vin STRING) WITH ('connector' = 'mqtt', 'server-uri' = 'tcp://127.0.0.1:1883',"
                + " 'topic' = 'commands/all', 'format' = 'json');\n"
                + "CREATE TABLE elsewhere (vin STRING) WITH ('connector' = 'mqtt', 'server-uri' = 'tcp://other:1883',"
                + " 'topic' = 'alerts/x', 'format' = 'json');\n"
                + "INSERT INTO commands SELECT vin FROM telemetry;\n"
                + "INSERT INTO elsewhere SELECT vin FROM telemetry;")).isEmpty();
    }

    @Test
    void theKafkaToMqttRecipeIsValidAndPublishesPerRow() {
        Path recipe = RepositoryRoot.resolve("sql/kafka-to-mqtt.sql");
        Map<String, String> env = Map.of("MQTT_URI", "tcp://127.0.0.1:1", "KAFKA_BOOTSTRAP", "127.0.0.1:2");
        assertThat(RoutesRunner.validateWithWarnings(StreamExecutionEnvironment.getExecutionEnvironment(),
                RoutesFile.load(recipe, env))).isEmpty();
        RoutesPlan plan = RoutesRunner.plan(StreamExecutionEnvironment.getExecutionEnvironment(), RoutesFile.load(recipe, env));
        assertThat(plan.jobName()).isEqualTo("kafka-to-mqtt");
        assertThat(plan.sinks()).singleElement().satisfies(sink -> {
            assertThat(sink.name()).isEqualTo("vehicle_commands_mqtt");
            assertThat(sink.connector()).isEqualTo("mqtt");
            assertThat(sink.options()).containsEntry("server-uri", "tcp://127.0.0.1:1").doesNotContainKey("topic");
        });
    }
}
