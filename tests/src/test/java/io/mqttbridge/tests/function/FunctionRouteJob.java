package io.mqttbridge.tests.function;

import io.mqttbridge.routes.RoutesFile;
import io.mqttbridge.routes.RoutesRunner;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A routes file running on the test's MiniCluster, as RoutesJob submits it. */
final class FunctionRouteJob implements AutoCloseable {

    final JobClient client;

    private FunctionRouteJob(JobClient client) {
        this.client = client;
    }

    /** The repository's {@code sql/<name>} (tests run in the tests/ folder). */
    static Path repositorySql(String name) {
        Path file = Path.of("").toAbsolutePath().getParent().resolve("sql").resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Routes file not found: " + file);
        }
        return file;
    }

    static FunctionRouteJob submit(Path routes, Map<String, String> env, Configuration extra) {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "200 ms");
        conf.setString("restart-strategy.type", "none");
        conf.setString("parallelism.default", "1");
        conf.addAll(extra);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        return new FunctionRouteJob(
                RoutesRunner.execute(flink, RoutesFile.load(routes, env))
                        .getJobClient()
                        .orElseThrow(() -> new IllegalStateException("no job was submitted")));
    }

    /** Fails at once, with the job's own error, if the job has ended. */
    void assertRunning() throws Exception {
        JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            Throwable failure = null;
            try {
                client.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                failure = e;
            }
            throw new AssertionError("The route job ended with status " + status, failure);
        }
    }

    @Override
    public void close() throws Exception {
        if (!client.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            client.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
