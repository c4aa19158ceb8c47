package io.mqttbridge.routes;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** --validate semantics on a table environment that never starts a cluster. */
class RoutesRunnerTest {

    static final String TABLES = String.join("\n",
            "-- line 1",
            "CREATE TABLE src (",
            "  id BIGINT,",
            "  topic STRING",
            ") WITH ('connector' = 'datagen', 'number-of-rows' = '10');",
            "",
            "CREATE TABLE out_t (id BIGINT, device STRING, matched BOOLEAN) WITH ('connector' = 'blackhole');",
            "");

    private static void validate(String sql) {
        validate(sql, Map.of());
    }

    private static void validate(String sql, Map<String, String> env) {
        RoutesRunner.validate(StreamExecutionEnvironment.getExecutionEnvironment(), RoutesFile.parse(Path.of("r.sql"), sql, env));
    }

    private static RoutesException error(String sql) {
        return catchThrowableOfType(RoutesException.class, () -> validate(sql));
    }

    @Test
    void validFileWithFunctionsPasses() {
        validate(TABLES
                + "INSERT INTO out_t SELECT id, MQTT_TOPIC_LEVEL(topic, 2), MQTT_TOPIC_MATCHES(topic, 'v/+/battery')\n"
                + "FROM src WHERE MQTT_TOPIC_MATCHES(topic, 'v/#');\n"
                + "INSERT INTO out_t SELECT id, topic, TRUE FROM src;");
    }

    @Test
    void insertMayComeBeforeTheDdlOfItsTables() {
        validate("INSERT INTO out_t SELECT id, topic, TRUE FROM src;\n" + TABLES);
    }

    @Test
    void unknownColumnIsLocatedOnItsLine() {
        RoutesException e = error(TABLES + "INSERT INTO out_t\nSELECT id,\n     no_such_column, TRUE\nFROM src;");
        assertThat(e.file()).isEqualTo("r.sql");
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.column()).isEqualTo(6);
        assertThat(e.getMessage()).startsWith("r.sql:10:6: ").contains("no_such_column");
    }

    @Test
    void parseErrorInDdlIsLocated() {
        RoutesException e = error("SET 'parallelism.default' = '1';\n\nCREATE TABLE t (\n  id BIGINT,,\n  x INT\n) WITH ('connector' = 'blackhole');");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(13);
        assertThat(e.problem()).contains("Encountered \",\" at line 4, column 13");
    }

    @Test
    void positionsAfterSubstitutedValuesPointIntoTheFile() {
        RoutesException e = catchThrowableOfType(RoutesException.class, () -> validate(TABLES
                + "INSERT INTO out_t SELECT id, '${env:LONG_VALUE}', nope FROM src;", Map.of("LONG_VALUE", "0123456789abcdef")));
        assertThat(e.line()).isEqualTo(8);
        assertThat(e.column()).isEqualTo("INSERT INTO out_t SELECT id, '${env:LONG_VALUE}', ".length() + 1);
        assertThat(e.getMessage()).doesNotContain("0123456789abcdef");
    }

    @Test
    void connectorOptionErrorPointsAtTheCreateTable() {
        RoutesException e = error("CREATE TABLE src (id BIGINT)\n  WITH ('connector' = 'datagen', 'no-such-option' = '1');\n"
                + "CREATE TABLE out_t (id BIGINT) WITH ('connector' = 'blackhole');\n"
                + "INSERT INTO out_t SELECT id FROM src;");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(1);
        // What is wrong comes first, where it happened after it.
        assertThat(e.problem()).startsWith("Unsupported options found for 'datagen'")
                .contains("no-such-option")
                .contains("\n  from: Unable to create a source for reading table 'default_catalog.default_database.src'")
                .endsWith("(found while planning the INSERT at r.sql:4:1)");
    }

    @Test
    void substitutedValuesQuotedByAConnectorErrorAreMasked() {
        RoutesException e = catchThrowableOfType(RoutesException.class, () -> validate(
                "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${env:ROWS}');\n"
                        + "CREATE TABLE out_t (id BIGINT) WITH ('connector' = 'blackhole');\n"
                        + "INSERT INTO out_t SELECT id FROM src;", Map.of("ROWS", "not-a-number-s3cret")));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.problem()).contains("number-of-rows").contains("***").doesNotContain("s3cret");
    }

    @Test
    void unknownConnectorIsAnError() {
        RoutesException e = error("CREATE TABLE src (id BIGINT) WITH ('connector' = 'nope');\n"
                + "CREATE TABLE out_t (id BIGINT) WITH ('connector' = 'blackhole');\n"
                + "INSERT INTO out_t SELECT id FROM src;");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.problem()).contains("'nope'");
    }

    @Test
    void invalidLiteralTopicFilterFailsAtPlanning() {
        RoutesException e = error(TABLES + "INSERT INTO out_t SELECT id, topic, MQTT_TOPIC_MATCHES(topic, 'a/#/b') FROM src;");
        assertThat(e.line()).isEqualTo(8);
        assertThat(e.problem()).contains("Invalid topic filter 'a/#/b': '#' must be the last level");
    }

    @Test
    void bareSelectIsRejected() {
        RoutesException e = error(TABLES + "SELECT * FROM src;\nINSERT INTO out_t SELECT id, topic, TRUE FROM src;");
        assertThat(e.getMessage()).startsWith("r.sql:8:1: a routes file holds DDL and INSERT statements, not SELECT");
    }

    @Test
    void createTableAsSelectIsRejectedWithoutRunningIt() {
        RoutesException e = error(TABLES + "CREATE TABLE copy WITH ('connector' = 'blackhole') AS SELECT * FROM src;\n"
                + "INSERT INTO out_t SELECT id, topic, TRUE FROM src;");
        assertThat(e.getMessage()).startsWith("r.sql:8:1: this statement would run a job of its own");
    }

    @Test
    void parenthesizedQueryIsRejected() {
        RoutesException e = error(TABLES + "(SELECT * FROM src);\nINSERT INTO out_t SELECT id, topic, TRUE FROM src;");
        assertThat(e.getMessage()).startsWith("r.sql:8:1: this statement would run a job of its own");
    }

    @Test
    void optionErrorOfAQualifiedTableNamePointsAtItsCreateTable() {
        RoutesException e = error("CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');\n"
                + "CREATE TABLE default_catalog.default_database.`out t` (id BIGINT) WITH ('connector' = 'blackhole', 'x' = 'y');\n"
                + "INSERT INTO `out t` SELECT id FROM src;");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("Unsupported options").contains("(found while planning the INSERT at r.sql:3:1)");
    }

    @Test
    void fileWithoutInsertIsAnError() {
        assertThatThrownBy(() -> validate(TABLES))
                .isInstanceOf(RoutesException.class)
                .hasMessageStartingWith("r.sql:1:1: no INSERT statement");
    }

    @Test
    void setStatementsApplyToTheFollowingStatements() {
        // A SET that is applied changes planning: a bad value of a typed option fails the INSERT after it.
        validate("SET 'table.exec.sink.not-null-enforcer' = 'DROP';\n" + TABLES
                + "INSERT INTO out_t SELECT id, topic, TRUE FROM src;");
        RoutesException e = error("SET 'table.exec.sink.not-null-enforcer' = 'SOMETIMES';\n" + TABLES
                + "INSERT INTO out_t SELECT id, topic, TRUE FROM src;");
        assertThat(e.problem()).contains("SOMETIMES");
    }

    @Test
    void malformedSetIsLocated() {
        RoutesException e = error(TABLES + "SET table.exec.sink.not-null-enforcer;\nINSERT INTO out_t SELECT id, topic, TRUE FROM src;");
        assertThat(e.getMessage()).startsWith("r.sql:8:1: expected SET 'key' = 'value'");
    }
}
