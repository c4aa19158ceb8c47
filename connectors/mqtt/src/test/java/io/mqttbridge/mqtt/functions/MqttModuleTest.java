package io.mqttbridge.mqtt.functions;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The functions as a user of the stock SQL client gets them: LOAD MODULE mqtt, through META-INF/services. */
class MqttModuleTest {

    @Test
    void loadModuleMakesTheFunctionsCallable() throws Exception {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        assertThatThrownBy(() -> tEnv.explainSql("SELECT MQTT_TOPIC_LEVEL('a/b', 1)"))
                .hasMessageContaining("MQTT_TOPIC_LEVEL");

        tEnv.executeSql("LOAD MODULE mqtt");

        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(
                        "SELECT t, mqtt_topic_level(t, 2), MQTT_TOPIC_LEVEL(t, -1), MQTT_TOPIC_MATCHES(t, 'v/+/battery'),"
                                + " MQTT_TOPIC_MATCHES(t, '#')"
                                + " FROM (VALUES ('v/42/battery'), ('v/42/gps'), ('$SYS/uptime'), (CAST(NULL AS STRING))) AS x(t)")
                .collect()) {
            it.forEachRemaining(rows::add);
        }
        assertThat(rows).containsExactlyInAnyOrder(
                Row.of("v/42/battery", "42", "battery", true, true),
                Row.of("v/42/gps", "42", "gps", false, true),
                Row.of("$SYS/uptime", "uptime", "uptime", false, false),
                Row.of(null, null, null, null, null));
    }

    @Test
    void literalInvalidFilterFailsAtPlanning() {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        tEnv.executeSql("LOAD MODULE mqtt");
        assertThatThrownBy(() -> tEnv.explainSql("SELECT MQTT_TOPIC_MATCHES(t, 'a/+x') FROM (VALUES ('a/b')) AS x(t)"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("Invalid topic filter 'a/+x': '+' must occupy a whole level");
    }
}
