package io.mqttbridge.tests.security;

import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.embedded.RepositoryRoot;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./run-local --routes FILE} with a route whose MQTT password, TLS store passwords and
 * function token come from {@code ${env:...}}, against Mosquitto with mutual TLS and a password
 * file: the messages reach the function with the token, and neither the stack's log, its stdout
 * and stderr, nor this test's own log holds a secret value - also when the file is broken and the
 * planner's message quotes every option of the table.
 */
class SecretsNotLoggedByRunLocalITCase {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    @TempDir static Path folder;

    private static final SecretRoute ROUTE = new SecretRoute();
    private static MutualTlsBroker broker;
    private static FunctionEndpoint function;

    private Process process;

    @BeforeAll
    static void start() throws Exception {
        broker = ROUTE.startBroker(folder.resolve("tls"));
        function = FunctionEndpoint.start();
    }

    @AfterAll
    static void stop() {
        if (function != null) {
            function.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRunWritesNoSecretToAnyLog() throws Exception {
        Path run = Files.createDirectories(folder.resolve("run"));
        Path routes = ROUTE.write(run.resolve("secure.sql"), broker, "runlocal-secure", false);
        try (LogCapture testLog = new LogCapture()) {
            start(run, routes);
            awaitOutput(run, "READY ");
            ROUTE.sendThrough(broker, function, 20, Duration.ofSeconds(60));
            // SIGTERM through the handle: the stack stops cleanly and flushes its log.
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("run-local stops after SIGTERM").isTrue();
            assertThat(process.exitValue()).as("exit code; stderr:%n%s", read(run.resolve("stderr.txt"))).isZero();
            ROUTE.assertNoSecretIn("this test's log", String.join("\n", testLog.lines()));
        }

        List<Path> logs = SecretRoute.logFiles(run);
        assertThat(logs).contains(run.resolve("stdout.txt"), run.resolve("stderr.txt"), run.resolve("stack/logs/local-stack.log"));
        String all = ROUTE.assertNoSecretIn(logs);
        // Not vacuous: the stack logged the statements (masked) and the source's TLS connection at INFO.
        assertThat(all).contains("'password'                = '***'")
                .contains("'tls.keystore-password'   = '***'")
                .contains("'headers.Authorization' = 'Bearer ***'")
                .contains("MQTT connection runlocal-secure-0 to " + broker.serverUri() + " established");
    }

    @Test
    void aBrokenFileFailsWithTheSecretsMasked() throws Exception {
        Path run = Files.createDirectories(folder.resolve("broken"));
        Path routes = ROUTE.write(run.resolve("secure-broken.sql"), broker, "runlocal-broken", true);
        start(run, routes);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("run-local exits").isTrue();
        String stderr = read(run.resolve("stderr.txt"));
        assertThat(process.exitValue()).as("exit code; stderr:%n%s", stderr).isEqualTo(1);
        // The planner's message lists the table's options with their values: substituted ones are masked
        // (Flink itself hides 'password' as '******').
        assertThat(stderr).contains("secure-broken.sql:2:1:").contains("'topic-filtr'").contains("'server-uri'='***'");
        ROUTE.assertNoSecretIn(SecretRoute.logFiles(run));
    }

    /** Starts ./run-local on free ports with the route's environment; stdout and stderr go to files in {@code run}. */
    private void start(Path run, Path routes) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                RepositoryRoot.path().resolve("run-local").toString(),
                "--routes", routes.toString(),
                "--mqtt", broker.serverUri(),
                "--no-simulator",
                "--kafka-port", String.valueOf(FreePorts.pick()),
                "--flink-ui-port", String.valueOf(FreePorts.pick()),
                "--function-port", String.valueOf(FreePorts.pick()),
                "--parallelism", "1",
                "--summary-interval", "2",
                "--data-dir", run.resolve("stack").toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(run.toFile())
                .redirectOutput(run.resolve("stdout.txt").toFile())
                .redirectError(run.resolve("stderr.txt").toFile());
        builder.environment().putAll(ROUTE.env(broker, function));
        process = builder.start();
    }

    private void awaitOutput(Path run, String prefix) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (read(run.resolve("stdout.txt")).lines().noneMatch(line -> line.startsWith(prefix))) {
            assertThat(process.isAlive()).as("run-local is running; stderr:%n%s", read(run.resolve("stderr.txt"))).isTrue();
            assertThat(System.nanoTime()).as("a %s line within %s; stderr:%n%s", prefix, READY_TIMEOUT,
                    read(run.resolve("stderr.txt"))).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
