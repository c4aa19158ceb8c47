package io.mqttbridge.tests.support;

import io.mqttbridge.routes.RoutesFile;
import io.mqttbridge.routes.RoutesRunner;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A routes file running on the test's MiniCluster, submitted the way RoutesJob submits it; shared by
 * the end-to-end suites of every sink.
 */
public final class RouteJob implements AutoCloseable {

    public final JobClient client;

    private RouteJob(JobClient client) {
        this.client = client;
    }

    /**
     * Submits {@code routes} with {@code env} for its ${env:...} variables, parallelism 1 and a
     * short checkpoint interval (MQTT acks wait for checkpoints).
     */
    public static RouteJob submit(Path routes, Map<String, String> env, Configuration extra) {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "200 ms");
        conf.setString("restart-strategy.type", "none");
        conf.setString("parallelism.default", "1");
        conf.addAll(extra);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        JobClient client =
                RoutesRunner.execute(flink, RoutesFile.load(routes, env))
                        .getJobClient()
                        .orElseThrow(() -> new IllegalStateException("no job was submitted"));
        return new RouteJob(client);
    }

    public static Path writeRoutes(Path folder, String name, String sql) throws Exception {
        Files.createDirectories(folder);
        return Files.writeString(folder.resolve(name), sql);
    }

    public JobStatus status() {
        try {
            return client.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the status of job " + client.getJobID(), e);
        }
    }

    /** For polling loops: fails the test at once, with the job's own error, if the job has ended. */
    public void assertRunning() {
        JobStatus status = status();
        if (status.isGloballyTerminalState()) {
            throw new AssertionError("The route job ended with status " + status, failure(Duration.ofSeconds(10)));
        }
    }

    /** The exception the job failed with, waiting up to {@code timeout} for it to end. */
    public Throwable failure(Duration timeout) {
        try {
            client.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Override
    public void close() throws Exception {
        if (!status().isGloballyTerminalState()) {
            client.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
