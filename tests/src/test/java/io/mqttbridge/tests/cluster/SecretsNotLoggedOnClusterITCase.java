package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.tests.security.MutualTlsBroker;
import io.mqttbridge.tests.security.SecretRoute;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flink run mqtt-bridge-job.jar --routes FILE} on the multi-process cluster with a route
 * whose MQTT password, TLS store passwords and function token come from {@code ${env:...}} of the
 * client, against Mosquitto with mutual TLS and a password file: the messages reach the function
 * with the token, and no log or output of the JobManager, the TaskManager or the CLI holds a
 * secret value; neither does the CLI's error for a broken copy of the file. (This test lives in
 * the cluster package for the cluster fixture; the route and checks are in {@code tests.security}.)
 */
class SecretsNotLoggedOnClusterITCase {

    @Test
    void secretsFromTheEnvironmentReachNoLogOfTheCluster(@TempDir Path tmp) throws Exception {
        SecretRoute route = new SecretRoute();
        Path flinkFolder = tmp.resolve("flink");
        try (LogCapture testLog = new LogCapture();
                MutualTlsBroker broker = route.startBroker(tmp.resolve("tls"));
                FunctionEndpoint function = FunctionEndpoint.start();
                StandaloneFlinkCluster flink = StandaloneFlinkCluster.configure(flinkFolder, Map.of(
                        "execution.checkpointing.interval", "500 ms", "parallelism.default", "1"))) {
            Path routes = route.write(tmp.resolve("secure.sql"), broker, "cluster-secure", false);
            Map<String, String> env = route.env(broker, function);
            String jar = StandaloneFlinkCluster.jobJar().toString();
            flink.startJobManager();
            flink.startTaskManager();
            flink.await(() -> flink.registeredTaskManagers() == 1, Duration.ofSeconds(60), "one TaskManager registered");

            FlinkProcess cli = flink.flinkCli(List.of("run", "--detached", jar, "--routes", routes.toString()), env, Duration.ofSeconds(120));
            assertThat(cli.process.exitValue()).as("flink run exit code; output:%n%s", cli.output()).isZero();
            flink.await(flink::allTasksRunning, Duration.ofSeconds(60), () -> "every task RUNNING; exceptions: " + flink.jobExceptions());
            route.sendThrough(broker, function, 20, Duration.ofSeconds(60));

            // Read before the next CLI run, which writes the same flink-cli.log and .out.
            List<Path> logs = SecretRoute.logFiles(flinkFolder);
            assertThat(logs).contains(cli.log, cli.out, flinkFolder.resolve("jobmanager.log"), flinkFolder.resolve("taskmanager-1.log"));
            String all = route.assertNoSecretIn(logs);
            // Not vacuous: the client logged the statements (masked), the TaskManager the source's TLS connection.
            assertThat(all).contains("'password'                = '***'")
                    .contains("'headers.Authorization' = 'Bearer ***'");
            assertThat(Files.readString(flinkFolder.resolve("taskmanager-1.log")))
                    .contains("MQTT connection cluster-secure-0 to " + broker.serverUri() + " established");

            Path broken = route.write(tmp.resolve("secure-broken.sql"), broker, "cluster-broken", true);
            FlinkProcess failed = flink.flinkCli(List.of("run", "--detached", jar, "--routes", broken.toString()), env, Duration.ofSeconds(120));
            assertThat(failed.process.exitValue()).as("flink run of a broken file fails").isNotZero();
            // The planner's message quotes the options; the substituted ones are masked.
            assertThat(failed.output()).contains("secure-broken.sql:2:1:").contains("'topic-filtr'").contains("'server-uri'='***'");
            route.assertNoSecretIn(SecretRoute.logFiles(flinkFolder));
            route.assertNoSecretIn("this test's log", String.join("\n", testLog.lines()));
        }
    }
}
