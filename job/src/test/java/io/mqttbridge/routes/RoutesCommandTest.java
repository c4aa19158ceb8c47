package io.mqttbridge.routes;

import io.mqttbridge.embedded.RepositoryRoot;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line of RoutesJob: exit codes, messages, and one real bounded run. */
class RoutesCommandTest {

    private static final String RESOURCES = "src/test/resources/routes/";
    private static final String CHECKPOINT_CONFIG = RepositoryRoot.resolve("checkpoints-config/config.yaml").toString();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return RoutesCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingRoutesIsAUsageError() {
        assertThat(run(Map.of(), "--validate")).isEqualTo(2);
        assertThat(err()).contains("missing --routes FILE").contains("Usage:");
    }

    @Test
    void unknownArgumentIsAUsageError() {
        assertThat(run(Map.of(), "--routes", RESOURCES + "valid.sql", "--frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown argument '--frobnicate'");
    }

    @Test
    void routesWithoutValueIsAUsageError() {
        assertThat(run(Map.of(), "--routes")).isEqualTo(2);
        assertThat(err()).contains("--routes needs a value");
    }

    @Test
    void setWithoutKeyIsAUsageErrorThatDoesNotEchoTheValue() {
        assertThat(run(Map.of(), "--routes", RESOURCES + "valid.sql", "--set", "hunter2")).isEqualTo(2);
        assertThat(err()).contains("--set expects key=value").doesNotContain("hunter2");
    }

    @Test
    void allowNonRestoredStateWithoutASavepointIsAUsageError() {
        assertThat(run(Map.of(), "--routes", RESOURCES + "valid.sql", "--allow-non-restored-state")).isEqualTo(2);
        assertThat(err()).contains("--allow-non-restored-state needs --from-savepoint PATH");
    }

    @Test
    void fromSavepointSetsTheRecoveryPathAndOnlyTheFlagDropsUnclaimedState() throws Exception {
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Configuration resumed = RoutesCommand.configuration(RoutesArguments.parse(new String[] {
                "--routes", RESOURCES + "valid.sql", "--from-savepoint", "file:///savepoints/savepoint-1"}), false, errStream);
        assertThat(resumed.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo("file:///savepoints/savepoint-1");
        assertThat(resumed.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isFalse();
        assertThat(err()).contains("resuming from file:///savepoints/savepoint-1").doesNotContain("WARNING");

        Configuration lenient = RoutesCommand.configuration(RoutesArguments.parse(new String[] {
                "--routes", RESOURCES + "valid.sql", "--from-savepoint=/savepoints/savepoint-1", "--allow-non-restored-state"}),
                false, errStream);
        assertThat(lenient.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo("/savepoints/savepoint-1");
        assertThat(lenient.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isTrue();
        assertThat(err()).contains("WARNING --allow-non-restored-state").contains("is dropped");
    }

    @Test
    void unknownRoutesFileFailsNamingIt() {
        assertThat(run(Map.of(), "--validate", "--routes", "no/such/routes.sql")).isEqualTo(1);
        assertThat(err()).startsWith("no/such/routes.sql:1:1: routes file not found");
    }

    @Test
    void missingCheckpointConfigFailsNamingIt() {
        assertThat(run(Map.of(), "--validate", "--routes", RESOURCES + "valid.sql", "--checkpoint-config", "nope.yaml"))
                .isEqualTo(1);
        assertThat(err()).contains("Flink configuration file not found: nope.yaml");
    }

    @Test
    void validateAcceptsAGoodFile() {
        assertThat(run(Map.of(), "--validate", "--routes", RESOURCES + "valid.sql")).as(err()).isEqualTo(0);
        assertThat(out()).contains("valid.sql: valid (5 statements)");
    }

    @Test
    void validateReportsFileLineColumnOfTheBrokenStatement() {
        assertThat(run(Map.of(), "--validate", "--routes", RESOURCES + "broken.sql")).isEqualTo(1);
        assertThat(err().strip()).startsWith(RESOURCES + "broken.sql:5:8: SQL validation failed. From line 5, column 8 to line 5, column 10: Column 'idd' not found");
    }

    @Test
    void validateReportsAMissingVariableByName() {
        assertThat(run(Map.of(), "--validate", "--routes", RESOURCES + "bounded-print.sql")).isEqualTo(1);
        assertThat(err()).startsWith(RESOURCES + "bounded-print.sql:13:54: environment variable 'PRINT_PREFIX' is not set");
    }

    @Test
    void runsABoundedRouteToTheEndWithConfigFileAndOverrides() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        // The print connector writes to System.out of the task, which runs in this JVM.
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            code = run(Map.of("PRINT_PREFIX", "numbered"),
                    "--routes", RESOURCES + "bounded-print.sql",
                    "--checkpoint-config", CHECKPOINT_CONFIG,
                    "--set", "parallelism.default=2");
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).as(err()).isEqualTo(0);
        assertThat(out()).contains("submitted 'bounded-print'").contains("job 'bounded-print' finished");
        List<String> lines = Arrays.stream(printed.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(l -> l.startsWith("numbered"))
                .collect(Collectors.toList());
        // parallelism 2 (the --set) makes the print sink prefix each line with its subtask.
        assertThat(lines).hasSize(20).allMatch(l -> l.matches("numbered:[12]> \\+I\\[\\d+, \\d+]"));
        List<Integer> numbers = lines.stream()
                .map(l -> Integer.parseInt(l.replaceAll(".*\\+I\\[(\\d+), (\\d+)]", "$1")))
                .sorted()
                .collect(Collectors.toList());
        assertThat(numbers).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 20).boxed().collect(Collectors.toList()));
        assertThat(lines).allMatch(l -> l.replaceAll(".*\\+I\\[(\\d+), (\\d+)]", "$1").equals(l.replaceAll(".*\\+I\\[(\\d+), (\\d+)]", "$2")));
        assertThat(err()).contains("Flink configuration from " + CHECKPOINT_CONFIG);
    }

    @Test
    void printsTheJobNameTheFileSets(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path routes = dir.resolve("named.sql");
        java.nio.file.Files.writeString(routes, "SET 'pipeline.name' = 'renamed-by-set';\n"
                + "CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n"
                + "CREATE TABLE sink (n BIGINT) WITH ('connector' = 'blackhole');\n"
                + "INSERT INTO sink SELECT n FROM numbers;\n");
        int code = run(Map.of(), "--routes", routes.toString(), "--checkpoint-config", CHECKPOINT_CONFIG);
        assertThat(code).as(err()).isEqualTo(0);
        assertThat(out()).contains("submitted 'renamed-by-set'").contains("job 'renamed-by-set' finished");
    }

    @Test
    void severalRoutesFilesRunAsOneJobNamedAfterTheFirst(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // The second file reads a table of the first and writes one of its own: one table environment, one job.
        Path numbers = java.nio.file.Files.writeString(dir.resolve("numbers.sql"),
                "CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n"
                + "CREATE TABLE first_sink (n BIGINT) WITH ('connector' = 'blackhole');\n"
                + "INSERT INTO first_sink SELECT n FROM numbers;\n");
        Path more = java.nio.file.Files.writeString(dir.resolve("more.sql"),
                "CREATE TABLE second_sink (n BIGINT) WITH ('connector' = 'blackhole');\n"
                + "INSERT INTO second_sink SELECT n FROM numbers WHERE n > 0;\n");
        assertThat(run(Map.of(), "--validate", "--routes", numbers.toString(), "--routes=" + more)).as(err()).isEqualTo(0);
        assertThat(out()).contains(numbers + ", " + more + ": valid (5 statements)");
        out.reset();
        int code = run(Map.of(), "--routes", numbers.toString(), "--routes", more.toString(), "--checkpoint-config", CHECKPOINT_CONFIG);
        assertThat(code).as(err()).isEqualTo(0);
        assertThat(out()).contains("submitted 'numbers'").contains("job 'numbers' finished");
    }

    @Test
    void aTableDefinedAgainInALaterFileIsReportedAtThatFilesLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path first = java.nio.file.Files.writeString(dir.resolve("first.sql"),
                "CREATE TABLE sink (n BIGINT) WITH ('connector' = 'blackhole');\n");
        Path second = java.nio.file.Files.writeString(dir.resolve("second.sql"),
                "-- the same name again\n"
                + "CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n"
                + "  CREATE TABLE sink (n BIGINT) WITH ('connector' = 'blackhole');\n"
                + "INSERT INTO sink SELECT n FROM numbers;\n");
        assertThat(run(Map.of(), "--validate", "--routes", first.toString(), "--routes", second.toString())).isEqualTo(1);
        assertThat(err().strip()).startsWith(second + ":3:3: ").contains("sink").contains("already exists");
    }

    @Test
    void jobFailureAtRunTimeIsReportedWithItsCause() {
        assertThat(run(Map.of(), "--routes", RESOURCES + "failing-filter.sql", "--set", "parallelism.default=1")).isEqualTo(1);
        assertThat(err()).contains("mqtt-bridge: the job failed")
                .containsPattern("MQTT_TOPIC_MATCHES: Invalid topic filter '[123]/#/x': '#' must be the last level");
    }

    @Test
    void helpPrintsUsage() {
        assertThat(run(Map.of(), "--help")).isEqualTo(0);
        assertThat(out()).contains("--checkpoint-config FILE");
    }
}
