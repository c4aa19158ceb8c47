package io.mqttbridge.routes;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which edits of a routes file keep its savepoint usable: Flink maps saved state to operators by
 * operator id, and for SQL that does not run from a compiled plan those ids come from the shape of the
 * job graph. An edit keeps the state when every operator id of the old job is still in the new one.
 * Pins the table "Which edits keep the state" of docs/operations.md.
 */
class RoutesStateCompatibilityTest {

    private static final String TABLES = String.join("\n",
            "CREATE TABLE numbers (n BIGINT, site STRING) WITH ('connector' = 'mqtt', 'server-uri' = 'tcp://127.0.0.1:1883',",
            "  'topic-filter' = 'numbers/+', 'shared-group' = 'g', 'format' = 'json');",
            "CREATE TABLE numbers_out (n BIGINT, site STRING) WITH ('connector' = 'blackhole');",
            "CREATE TABLE alarms (n BIGINT) WITH ('connector' = 'blackhole')");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "another predicate in the WHERE    | SELECT n, site FROM numbers WHERE n >= 5           | true",
            "another expression in the SELECT  | SELECT n * 2, UPPER(site) FROM numbers WHERE n >= 0 | true",
            "the WHERE removed                 | SELECT n, site FROM numbers                         | false",
    })
    void editOfTheOnlyRoute(String edit, String query, boolean keepsState) {
        Set<String> before = operatorIds(TABLES, "INSERT INTO numbers_out SELECT n, site FROM numbers WHERE n >= 0");
        Set<String> after = operatorIds(TABLES, "INSERT INTO numbers_out " + query);
        assertThat(after.containsAll(before)).as(edit).isEqualTo(keepsState);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a route added after the first    | false",
    })
    void aSecondRoute(String edit, boolean keepsState) {
        Set<String> before = operatorIds(TABLES, "INSERT INTO numbers_out SELECT n, site FROM numbers WHERE n >= 0");
        Set<String> after = operatorIds(TABLES, "INSERT INTO numbers_out SELECT n, site FROM numbers WHERE n >= 0",
                "INSERT INTO alarms SELECT n FROM numbers WHERE n > 100");
        assertThat(after.containsAll(before)).as(edit).isEqualTo(keepsState);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "another server-uri | 'server-uri' = 'tcp://127.0.0.1:1883' | 'server-uri' = 'ssl://broker.example.com:8883' | true",
            "another format     | 'format' = 'json'                     | 'format' = 'csv'                               | true",
    })
    void anotherTableOption(String edit, String option, String edited, boolean keepsState) {
        String insert = "INSERT INTO numbers_out SELECT n, site FROM numbers WHERE n >= 0";
        Set<String> before = operatorIds(TABLES, insert);
        Set<String> after = operatorIds(TABLES.replace(option, edited), insert);
        assertThat(TABLES).contains(option);
        assertThat(after.containsAll(before)).as(edit).isEqualTo(keepsState);
    }

    private static Set<String> operatorIds(String tables, String... inserts) {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "1 s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        for (String ddl : tables.split(";\n")) {
            tEnv.executeSql(ddl);
        }
        StreamStatementSet set = tEnv.createStatementSet();
        for (String insert : inserts) {
            set.addInsertSql(insert);
        }
        set.attachAsDataStream();
        Set<String> ids = new HashSet<>();
        for (JobVertex vertex : env.getStreamGraph().getJobGraph().getVertices()) {
            for (OperatorIDPair pair : vertex.getOperatorIDs()) {
                // State is matched by the user-defined id where the planner sets one, else by the generated one.
                ids.add(pair.getUserDefinedOperatorID().orElse(pair.getGeneratedOperatorID()).toHexString());
            }
        }
        return ids;
    }
}
