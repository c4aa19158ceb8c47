package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.testing.ReportedRouteMetrics;
import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.FreePorts;

import org.apache.flink.api.common.JobID;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An 'mqtt' sink table with 'latency-time-column' on a real broker: the route's syncLatencyMs gauge
 * counts from the column (Flink SQL gives the sink no record timestamps), and a column of another
 * type is refused when the route is planned.
 */
class MqttSinkLatencyITCase {

    private static final ReportedRouteMetrics METRICS = new ReportedRouteMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = METRICS.miniCluster(1);

    @TempDir Path folder;

    private TableEnvironment tables;

    /** Here, not in a field initialiser: the extension sets its MiniCluster as the execution environment before each test. */
    @BeforeEach
    void createTableEnvironment() {
        tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    }

    private void createSinkTable(String serverUri, String timeType) {
        tables.executeSql("CREATE TEMPORARY TABLE commands (vin STRING, received " + timeType + ")"
                + " WITH ('connector' = 'mqtt', 'server-uri' = '" + serverUri + "', 'format' = 'json',"
                + " 'topic' = 'it/latency', 'qos' = '1', 'latency-time-column' = 'received')");
    }

    @Test
    void theGaugeCountsFromTheLatencyTimeColumn() throws Exception {
        // Data produced a minute before the route publishes it: the gauge must show at least that minute.
        long minuteAgo = System.currentTimeMillis() - 60_000;
        try (EmbeddedHiveMq broker = EmbeddedHiveMq.start(FreePorts.pick(), folder)) {
            tables.getConfig().set("parallelism.default", "1");
            createSinkTable(broker.serverUri(), "TIMESTAMP_LTZ(3)");
            TableResult insert = tables.executeSql("INSERT INTO commands SELECT vin, TO_TIMESTAMP_LTZ(CAST(" + minuteAgo
                    + " AS BIGINT), 3) FROM (VALUES ('v-1'), ('v-2'), ('v-3')) AS t(vin)");
            JobID job = insert.getJobClient().orElseThrow().getJobID();
            insert.await(); // the sink's last flush: the broker acknowledged every publish

            long latency = METRICS.syncLatencyMs(job);
            assertThat(latency).as("syncLatencyMs of rows produced 60 s before").isGreaterThanOrEqualTo(60_000L);
            // from the column, not from epoch 0 or a misread unit
            assertThat(latency).isLessThan(3_600_000L);
        }
    }

    @Test
    void aColumnThatIsNoTimeIsRefusedWhenTheRouteIsPlanned() {
        createSinkTable("tcp://127.0.0.1:1", "INT");
        assertThatThrownBy(() -> tables.explainSql("INSERT INTO commands SELECT 'v-1', 1"))
                .hasStackTraceContaining("Invalid value 'received' for option 'latency-time-column': expected a physical "
                        + "TIMESTAMP, TIMESTAMP_LTZ or BIGINT column, one of [vin, received]");
    }
}
