package io.mqttbridge.tests.cli;

import io.mqttbridge.embedded.RepositoryRoot;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar job/target/mqtt-bridge-job.jar} as a user runs it: a separate JVM without Flink on
 * its class path, so the jar must relaunch itself over job/target/flink-lib. Runs after the job
 * module is packaged (reactor order: job, local, tests).
 */
class StandaloneJarITCase {

    private static final Path JAR = RepositoryRoot.path().resolve("job/target/mqtt-bridge-job.jar");

    @TempDir
    static Path dir;

    @BeforeAll
    static void jarIsBuilt() throws IOException {
        assertThat(JAR).as("build the job first: mvn -B -pl tests -am verify").isRegularFile();
        Files.writeString(dir.resolve("numbers.sql"), String.join("\n",
                "CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '20',",
                "  'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '20');",
                "CREATE TABLE printed (n BIGINT, device STRING)",
                "  WITH ('connector' = 'print', 'print-identifier' = '${env:PRINT_PREFIX}');",
                "INSERT INTO printed SELECT n, MQTT_TOPIC_LEVEL('v/d' || CAST(n AS STRING) || '/battery', 2) FROM numbers;"));
        Files.writeString(dir.resolve("broken.sql"), String.join("\n",
                "CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen');",
                "CREATE TABLE sink_t (n BIGINT) WITH ('connector' = 'blackhole');",
                "INSERT INTO sink_t",
                "SELECT nn FROM numbers;"));
    }

    private record Result(int code, String out, String err) {}

    private static Result java(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("java " + String.join(" ", args) + " did not finish; stderr:\n" + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void validatesAGoodFile() throws Exception {
        Result r = java(Map.of("PRINT_PREFIX", "x"), "-jar", JAR.toString(), "--validate", "--routes", "numbers.sql");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("numbers.sql: valid (3 statements)");
    }

    @Test
    void validateReportsTheBrokenStatementByFileLineColumn() throws Exception {
        Result r = java(Map.of(), "-jar", JAR.toString(), "--validate", "--routes", "broken.sql");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("broken.sql:4:8: SQL validation failed. From line 4, column 8 to line 4, column 9: Column 'nn' not found");
    }

    @Test
    void runsABoundedRouteToTheEnd() throws Exception {
        Result r = java(Map.of("PRINT_PREFIX", "numbered"),
                "-jar", JAR.toString(), "--routes", "numbers.sql", "--set", "parallelism.default=1");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> printed = r.out().lines().filter(l -> l.startsWith("numbered> ")).collect(Collectors.toList());
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= 20; n++) {
            expected.add("numbered> +I[" + n + ", d" + n + "]");
        }
        assertThat(printed).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(r.out()).contains("job 'numbers' finished");
        // The substituted print prefix is a value from the environment: it never shows in the log.
        assertThat(r.err()).contains("'print-identifier' = '***'").doesNotContain("numbered");
    }

    @Test
    void missingRoutesIsAUsageError() throws Exception {
        Result r = java(Map.of(), "-jar", JAR.toString(), "--validate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("missing --routes FILE");
    }

    @Test
    void missingFlinkLibIsExplained() throws Exception {
        Result r = java(Map.of(), "-Dmqttbridge.flink-lib=" + dir.resolve("no-such-dir"), "-jar", JAR.toString(),
                "--routes", "numbers.sql");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("Flink is not on the class path").contains("no-such-dir").contains("flink run");
    }
}
