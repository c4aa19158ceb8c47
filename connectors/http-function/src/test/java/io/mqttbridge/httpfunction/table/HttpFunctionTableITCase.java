package io.mqttbridge.httpfunction.table;

import io.mqttbridge.connector.testing.ReportedRouteMetrics;
import io.mqttbridge.embedded.FunctionEndpoint;

import org.apache.flink.api.common.JobID;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 'http-function' table in SQL: envelope content, metadata columns, option errors at planning time. */
class HttpFunctionTableITCase {

    /** The writers' metrics, read by the latency test. */
    private static final ReportedRouteMetrics METRICS = new ReportedRouteMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = METRICS.miniCluster(2);

    private FunctionEndpoint server;
    private TableEnvironment tables;

    @BeforeEach
    void setUp() throws Exception {
        server = FunctionEndpoint.start();
        tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.getConfig().set("parallelism.default", "1");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void createFunctionTable(String extraOptions) {
        tables.executeSql(
                "CREATE TABLE fn (vehicle STRING, soc DOUBLE, lat DOUBLE, lon DOUBLE,"
                        + " t STRING METADATA FROM 'topic', mid STRING METADATA FROM 'message-id')"
                        + " WITH ('connector' = 'http-function', 'url' = '" + server.url("/fn") + "'" + extraOptions + ")");
    }

    @Test
    void insertInvokesTheFunctionWithTheDocumentedEnvelope() throws Exception {
        createFunctionTable(", 'max-messages' = '2', 'ordering' = 'sequential', 'ordering-key' = 'vehicle',"
                + " 'headers.X-Api-Key' = 'k-123'");
        tables.executeSql(
                        "INSERT INTO fn SELECT vehicle, soc, 52.5, 13.4, CONCAT('vehicles/', vehicle, '/battery'), mid FROM"
                                + " (VALUES ('v-1', 12.5, 'm-1'), ('v-2', 30.0, 'm-2'), ('v-1', 11.0, 'm-3')) AS t(vehicle, soc, mid)")
                .await();

        assertThat(server.requests()).allSatisfy(r -> {
            assertThat(r.headers().get("X-api-key")).containsExactly("k-123");
            assertThat(r.headers().get("Content-type")).containsExactly("application/json");
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.envelope().path("function").asText()).isEqualTo("fn");
            assertThat(r.envelope().path("encoding").asText()).isEqualTo("json");
        });
        List<String> records =
                server.deliveredRecords().stream()
                        .map(r -> r.path("key").asText() + "|" + r.path("topic").asText() + "|" + r.path("message-id").asText()
                                + "|" + r.path("payload").path("soc").asDouble() + "|" + r.path("payload").size())
                        .sorted().toList();
        // The payload holds the physical columns only; metadata travels beside it.
        assertThat(records).containsExactly(
                "v-1|vehicles/v-1/battery|m-1|12.5|4", "v-1|vehicles/v-1/battery|m-3|11.0|4", "v-2|vehicles/v-2/battery|m-2|30.0|4");
        // sequential: v-1's records in order.
        assertThat(server.deliveredRecords().stream().filter(r -> r.path("key").asText().equals("v-1")).map(r -> r.path("message-id").asText()))
                .containsExactly("m-1", "m-3");
    }

    @Test
    void theLatencyGaugeCountsFromTheOldestLatencyTimeColumnOfABatch() throws Exception {
        // Data produced a minute (and two minutes) before the route delivers it, as epoch milliseconds.
        long minuteAgo = System.currentTimeMillis() - 60_000;
        tables.executeSql("CREATE TABLE timed (vehicle STRING, produced BIGINT) WITH ('connector' = 'http-function',"
                + " 'url' = '" + server.url("/fn") + "', 'max-messages' = '10', 'latency-time-column' = 'produced')");
        TableResult insert = tables.executeSql("INSERT INTO timed VALUES ('v-1', CAST(" + minuteAgo + " AS BIGINT)),"
                + " ('v-2', CAST(" + (minuteAgo - 60_000) + " AS BIGINT))");
        JobID job = insert.getJobClient().orElseThrow().getJobID();
        insert.await(); // the last flush: the function acknowledged every batch

        assertThat(server.deliveredRecords()).hasSize(2);
        long latency = METRICS.syncLatencyMs(job);
        // at least the minute of the newest row, however the rows were batched; two minutes when both were in one
        assertThat(latency).as("syncLatencyMs of rows produced 60 s and 120 s before").isGreaterThanOrEqualTo(60_000L);
        // from the column, not from epoch 0 or a misread unit
        assertThat(latency).isLessThan(3_600_000L);
    }

    @Test
    void aLatencyTimeColumnThatIsNoTimeIsRefusedWhenTheRouteIsPlanned() {
        tables.executeSql("CREATE TEMPORARY TABLE untimed (vehicle STRING) WITH ('connector' = 'http-function',"
                + " 'url' = 'http://h/x', 'latency-time-column' = 'vehicle')");
        assertThatThrownBy(() -> tables.explainSql("INSERT INTO untimed SELECT 'v-1'"))
                .hasStackTraceContaining("Invalid value 'vehicle' for option 'latency-time-column': expected a physical "
                        + "TIMESTAMP, TIMESTAMP_LTZ or BIGINT column, one of [vehicle] (table default_catalog.default_database.untimed)");
    }

    @Test
    void sequentialShufflesRowsByTheOrderingKeyAtAnySinkParallelism() {
        tables.getConfig().set("parallelism.default", "2");
        String insert = "INSERT INTO fn SELECT vehicle, soc, 52.5, 13.4, 't', 'm' FROM"
                + " (VALUES ('v-1', 12.5), ('v-2', 30.0)) AS t(vehicle, soc)";
        createFunctionTable(", 'ordering' = 'sequential', 'ordering-key' = 'vehicle', 'sink.parallelism' = '3'");
        String sequential = tables.explainSql(insert, ExplainDetail.JSON_EXECUTION_PLAN);
        tables.executeSql("DROP TABLE fn");
        createFunctionTable(", 'sink.parallelism' = '3'");
        String concurrent = tables.explainSql(insert, ExplainDetail.JSON_EXECUTION_PLAN);

        // The writer's input: hashed by the key with sequential, spread round-robin without.
        assertThat(writerInput(sequential)).isEqualTo("HASH");
        assertThat(writerInput(concurrent)).isEqualTo("REBALANCE");
    }

    /** The ship strategy into the sink writer, from the JSON execution plan at the end of an explanation. */
    private static String writerInput(String explained) {
        String plan = explained.substring(explained.indexOf('{', explained.indexOf("== Physical Execution Plan ==")));
        try {
            for (com.fasterxml.jackson.databind.JsonNode node : new com.fasterxml.jackson.databind.ObjectMapper().readTree(plan).path("nodes")) {
                if (node.path("type").asText().contains("Writer")) {
                    return node.path("predecessors").path(0).path("ship_strategy").asText();
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no sink writer in the plan: " + plan);
    }

    @Test
    void badOptionsFailWhenTheRouteIsPlanned() {
        assertThatThrownBy(() -> plan("'connector' = 'http-function'"))
                .hasStackTraceContaining("Missing required options are:").hasStackTraceContaining("url");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'localhost:8090'"))
                .hasStackTraceContaining("Invalid value 'localhost:8090' for option 'url': expected an absolute http:// or https:// URL");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'http://h/x', 'max-messages' = '0'"))
                .hasStackTraceContaining("Invalid value '0' for option 'max-messages': expected a whole number from 1 to 10000");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'http://h/x', 'max-in-flight' = '0'"))
                .hasStackTraceContaining("'max-in-flight'");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'http://h/x', 'ordering' = 'sequential'"))
                .hasStackTraceContaining("Missing required option 'ordering-key': expected the column whose records are kept "
                        + "in order, because option 'ordering' is 'sequential'; e.g. a device id or the topic, one of [id]");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'http://h/x', 'ordering' = 'sequential', 'ordering-key' = 'nope'"))
                .hasStackTraceContaining("Invalid value 'nope' for option 'ordering-key': expected a physical column of the table, one of [id]");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'http://h/x', 'ordering' = 'random'"))
                .hasStackTraceContaining("ordering");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'http://h/x', 'latency-time-column' = 'produced'"))
                .hasStackTraceContaining("Invalid value 'produced' for option 'latency-time-column': expected a physical "
                        + "TIMESTAMP, TIMESTAMP_LTZ or BIGINT column, one of [id] (table default_catalog.default_database.bad)");
        assertThatThrownBy(() -> plan("'connector' = 'http-function', 'url' = 'http://h/x', 'retrys' = '2'"))
                .hasStackTraceContaining("Unsupported options").hasStackTraceContaining("retrys");
    }

    private void plan(String options) {
        tables.executeSql("CREATE TEMPORARY TABLE bad (id BIGINT) WITH (" + options + ")");
        try {
            tables.explainSql("INSERT INTO bad SELECT CAST(1 AS BIGINT)");
        } finally {
            tables.executeSql("DROP TEMPORARY TABLE bad");
        }
    }
}
