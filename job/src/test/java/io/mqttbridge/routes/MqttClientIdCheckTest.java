package io.mqttbridge.routes;

import io.mqttbridge.mqtt.sink.MqttSinkConfig;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Two INSERTs whose mqtt sinks would publish with the same client ids are refused by validate, plan and submit. */
class MqttClientIdCheckTest {

    private static final String SOURCE = "CREATE TABLE src (vin STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1');\n";

    private static String mqttTable(String name, String extraOptions) {
        return "CREATE TABLE " + name + " (vin STRING) WITH ('connector' = 'mqtt', 'server-uri' = 'tcp://127.0.0.1:1883',"
                + " 'topic' = '" + name + "/all', 'format' = 'json'" + extraOptions + ");\n";
    }

    private static RoutesFile routes(String sql) {
        return RoutesFile.parse(Path.of("r.sql"), sql, Map.of());
    }

    private static StreamExecutionEnvironment env() {
        return StreamExecutionEnvironment.getExecutionEnvironment();
    }

    @Test
    void twoInsertsIntoOneMqttTableAreRefusedEverywhere() {
        String sql = SOURCE + mqttTable("alerts", "")
                + "INSERT INTO alerts SELECT vin FROM src;\n"
                + "INSERT INTO alerts\n  SELECT vin FROM src WHERE vin <> 'x';";
        String prefix = MqttSinkConfig.defaultClientIdPrefix("alerts", "default_catalog.default_database.alerts");
        for (Runnable run : new Runnable[] {
            () -> RoutesRunner.validate(env(), routes(sql)),
            () -> RoutesRunner.plan(env(), routes(sql)),
            () -> RoutesRunner.submit(env(), routes(sql)),
        }) {
            RoutesException e = catchThrowableOfType(RoutesException.class, run::run);
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).startsWith("r.sql:4:1: a second INSERT into mqtt table 'alerts' would publish with the"
                    + " client ids of the first (at r.sql:3): '" + prefix + "-pub-<n>'");
            assertThat(e.problem())
                    .contains("'" + prefix + "-pub-0', '" + prefix + "-pub-1'")
                    .contains("session taken over")
                    .contains("UNION ALL the queries into one INSERT INTO alerts")
                    .contains("INSERT INTO alerts /*+ OPTIONS('client-id-prefix'='" + prefix + "-2') */ SELECT ...");
        }
    }

    @Test
    void anInsertWithItsOwnPrefixMayWriteTheSameTable() {
        String sql = SOURCE + mqttTable("alerts", "")
                + "INSERT INTO alerts SELECT vin FROM src;\n"
                + "INSERT INTO alerts /*+ OPTIONS('client-id-prefix'='alerts-second') */ SELECT vin FROM src;";
        RoutesRunner.validate(env(), routes(sql));
        assertThat(RoutesRunner.plan(env(), routes(sql)).sinks()).hasSize(2);
    }

    @Test
    void twoTablesWithOneExplicitPrefixAreRefused() {
        String sql = SOURCE + mqttTable("alerts", ", 'client-id-prefix' = 'bridge'")
                + mqttTable("commands", "")
                + "INSERT INTO alerts SELECT vin FROM src;\n"
                + "INSERT INTO commands /*+ OPTIONS('client-id-prefix'=' bridge ') */ SELECT vin FROM src;";
        RoutesException e = catchThrowableOfType(RoutesException.class, () -> RoutesRunner.validate(env(), routes(sql)));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("r.sql:5:1: the INSERT into mqtt table 'commands' would publish with the"
                + " client ids of the INSERT into mqtt table 'alerts' at r.sql:4: 'bridge-pub-<n>'");
        assertThat(e.problem()).contains("give one of them its own prefix");
    }

    @Test
    void twoTablesWithTheirDefaultPrefixesMayRunTogether() {
        RoutesRunner.validate(env(), routes(SOURCE + mqttTable("alerts", "") + mqttTable("commands", "")
                + "INSERT INTO alerts SELECT vin FROM src;\n"
                + "INSERT INTO commands SELECT vin FROM src;"));
    }
}
