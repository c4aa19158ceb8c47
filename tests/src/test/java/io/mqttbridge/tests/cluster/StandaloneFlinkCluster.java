package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.routes.FlinkConfigFile;



import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Flink session cluster of separate JVMs on loopback: one JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) started and
 * killed at will, configured by one {@code config.yaml} as a Flink distribution is.
 *
 * <p>The class path is what a Flink distribution's {@code lib/} holds: the job module's {@code
 * provided} dependencies, which its build copies to {@code job/target/flink-lib} (Flink runtime,
 * clients, table planner and runtime, json/csv formats, log4j), the few runtime libraries of Flink
 * that flink-lib lacks, and the Prometheus reporter.
 */
final class StandaloneFlinkCluster implements AutoCloseable {

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String CLI_MAIN = "org.apache.flink.client.cli.CliFrontend";
    static final String APPLICATION_MAIN = "org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint";

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path folder;
    final Path confDir;
    final int restPort;
    final int prometheusPort;
    private final String classPath;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<FlinkProcess> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int taskManagers;
    /** Ends the Flink JVMs even when the test JVM is stopped (e.g. by a surefire timeout). */
    private final Thread reaper = new Thread(() -> processes.forEach(p -> p.process.destroyForcibly()), "flink-cluster-reaper");

    private StandaloneFlinkCluster(Path folder, Path confDir, int restPort, int prometheusPort, String classPath) {
        this.folder = folder;
        this.confDir = confDir;
        this.restPort = restPort;
        this.prometheusPort = prometheusPort;
        this.classPath = classPath;
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** The shaded job jar the build produced; fails with what to run when it is missing. */
    static Path jobJar() {
        Path jar = RepositoryRoot.path().resolve("job/target/mqtt-bridge-job.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it through the reactor, e.g."
                    + " `mvn -pl tests -am verify -Dtest=ClusterRecoveryITCase -Dsurefire.failIfNoSpecifiedTests=false`");
        }
        return jar;
    }

    /**
     * The shipped checkpoints-config/config.yaml, with checkpoints and savepoints in {@code folder}
     * (a cluster's shared storage), as mutable settings for {@link #configure}.
     */
    static Map<String, String> shippedCheckpointSettings(Path folder) {
        Map<String, String> settings = new HashMap<>(FlinkConfigFile.loadFlat(RepositoryRoot.resolve("checkpoints-config/config.yaml")));
        settings.put("execution.checkpointing.dir", folder.resolve("checkpoints").toUri().toString());
        settings.put("execution.checkpointing.savepoint-dir", folder.resolve("savepoints").toUri().toString());
        return settings;
    }

    /**
     * Writes {@code conf/config.yaml} (loopback addresses, free ports, fixed TaskManager memory, then
     * {@code settings}) and a log4j configuration. Nothing is started yet.
     */
    static StandaloneFlinkCluster configure(Path folder, Map<String, String> settings) throws IOException {
        Path lib = RepositoryRoot.path().resolve("job/target/flink-lib");
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException(lib + " is missing: build the job module through the reactor (package phase)", e);
        }
        // flink-dist also holds these runtime dependencies of Flink; flink-lib lacks them because the job
        // bundles them (compile scope wins over provided). Same versions, taken from the test class path.
        jars.add(jarOf(org.apache.commons.lang3.StringUtils.class));
        jars.add(jarOf(net.jpountz.lz4.LZ4Factory.class));
        jars.add(jarOf(org.xerial.snappy.Snappy.class));
        jars.add(jarOf(PrometheusReporterFactory.class));

        Path conf = Files.createDirectories(folder.resolve("conf"));
        int restPort = FreePorts.pick();
        int prometheusPort = FreePorts.pick();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.rpc.port", String.valueOf(FreePorts.pick()));
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", String.valueOf(restPort));
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.numberOfTaskSlots", "2");
        config.put("parallelism.default", "2");
        // What bin/taskmanager.sh computes from taskmanager.memory.process.size, fixed here and small.
        config.put("taskmanager.cpu.cores", "2");
        config.put("taskmanager.memory.framework.heap.size", "96m");
        config.put("taskmanager.memory.task.heap.size", "224m");
        config.put("taskmanager.memory.framework.off-heap.size", "96m");
        config.put("taskmanager.memory.task.off-heap.size", "0m");
        config.put("taskmanager.memory.network.min", "32m");
        config.put("taskmanager.memory.network.max", "32m");
        config.put("taskmanager.memory.managed.size", "32m");
        config.put("taskmanager.memory.jvm-metaspace.size", "192m");
        config.put("taskmanager.memory.jvm-overhead.min", "64m");
        config.put("taskmanager.memory.jvm-overhead.max", "64m");
        // A killed TaskManager is noticed in seconds, not after the default 50 s heartbeat timeout.
        config.put("heartbeat.interval", "1 s");
        config.put("heartbeat.timeout", "6 s");
        config.put("io.tmp.dirs", Files.createDirectories(folder.resolve("tmp")).toString());
        config.put("metrics.reporter.prom.factory.class", PrometheusReporterFactory.class.getName());
        config.put("metrics.reporter.prom.port", String.valueOf(prometheusPort));
        config.putAll(settings);

        StringBuilder yaml = new StringBuilder("# written by StandaloneFlinkCluster\n");
        config.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml);
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.name = file",
                "appender.file.type = File",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                ""));
        return new StandaloneFlinkCluster(folder, conf, restPort, prometheusPort, String.join(File.pathSeparator, jars));
    }

    FlinkProcess startJobManager() throws IOException {
        // A reporter port of its own (a dynamic property, as bin/jobmanager.sh passes them): the
        // configured one belongs to the TaskManagers.
        return track(FlinkProcess.start("jobmanager", folder, classPath, confDir,
                List.of("-Xmx384m", "-Xms128m"), JOB_MANAGER_MAIN,
                List.of("--configDir", confDir.toString(), "-Dmetrics.reporter.prom.port=" + FreePorts.pick()), Map.of()));
    }

    /**
     * A JobManager in application mode, as a Flink image runs it: {@code jar} in {@code usrlib/}
     * next to the lib folder, its main class run inside the JobManager with {@code programArgs}, and
     * {@code env} (the pod's environment) visible to it.
     */
    FlinkProcess startApplicationJobManager(Path jar, String mainClass, List<String> programArgs, Map<String, String> env)
            throws IOException {
        Path home = Files.createDirectories(folder.resolve("flink-home"));
        Path usrlib = Files.createDirectories(home.resolve("usrlib"));
        Files.createSymbolicLink(usrlib.resolve(jar.getFileName()), jar);
        Map<String, String> environment = new LinkedHashMap<>(env);
        // Flink finds usrlib/ as a sibling of FLINK_LIB_DIR (ClusterEntrypointUtils.tryFindUserLibDirectory).
        environment.put("FLINK_LIB_DIR", Files.createDirectories(home.resolve("lib")).toString());
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString(),
                "-Dmetrics.reporter.prom.port=" + FreePorts.pick(), "--job-classname", mainClass));
        args.addAll(programArgs);
        return track(FlinkProcess.start("jobmanager", folder, classPath + File.pathSeparator + jarOf(
                        org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint.class), confDir,
                List.of("-Xmx384m", "-Xms128m"), APPLICATION_MAIN, args, environment));
    }

    /** JVM sizes as bin/taskmanager.sh derives them from the memory settings above. */
    FlinkProcess startTaskManager() throws IOException {
        String name = "taskmanager-" + ++taskManagers;
        return track(FlinkProcess.start(name, folder, classPath, confDir,
                List.of("-Xmx320m", "-Xms320m", "-XX:MaxDirectMemorySize=128m", "-XX:MaxMetaspaceSize=192m"),
                TASK_MANAGER_MAIN, List.of("--configDir", confDir.toString()), Map.of()));
    }

    /**
     * Flink's SQL Gateway as {@code bin/sql-gateway.sh} starts it: Flink's lib/ plus {@code gatewayJar}
     * (opt/flink-sql-gateway of a distribution); its endpoint and execution target come from the settings.
     */
    FlinkProcess startSqlGateway(Path gatewayJar) throws IOException {
        return track(FlinkProcess.start("sql-gateway", folder, classPath + File.pathSeparator + gatewayJar, confDir,
                List.of("-Xmx640m"), "org.apache.flink.table.gateway.SqlGateway", List.of(), Map.of()));
    }

    /** {@code flink run ARGS} (the CLI entry point of bin/flink) with {@code env}; returns when it exits. */
    FlinkProcess flinkCli(List<String> args, Map<String, String> env, Duration timeout) throws Exception {
        FlinkProcess cli = track(FlinkProcess.start("flink-cli", folder, classPath, confDir,
                List.of("-Xmx384m"), CLI_MAIN, args, env));
        cli.waitFor(timeout);
        return cli;
    }

    private FlinkProcess track(FlinkProcess process) {
        processes.add(process);
        return process;
    }

    /** GET a REST path of the JobManager as JSON; null while it does not answer. */
    JsonNode rest(String path) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(new URI("http://127.0.0.1:" + restPort + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException | URISyntaxException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registered TaskManagers, or -1 while the REST endpoint does not answer. */
    int registeredTaskManagers() {
        JsonNode overview = rest("/overview");
        return overview == null ? -1 : overview.get("taskmanagers").asInt();
    }

    /** The state of the newest job (a resumed job follows the stopped one), null while there is none. */
    String jobState() {
        JsonNode job = newestJob();
        return job == null ? null : job.get("state").asText();
    }

    String jobId() {
        JsonNode job = newestJob();
        return job == null ? null : job.get("jid").asText();
    }

    private JsonNode newestJob() {
        JsonNode jobs = rest("/jobs/overview");
        JsonNode newest = null;
        if (jobs != null) {
            for (JsonNode job : jobs.get("jobs")) {
                if (newest == null || job.get("start-time").asLong() > newest.get("start-time").asLong()) {
                    newest = job;
                }
            }
        }
        return newest;
    }

    /** True when the job runs and every one of its tasks is RUNNING (deployed, not just scheduled). */
    boolean allTasksRunning() {
        String id = jobId();
        JsonNode job = id == null ? null : rest("/jobs/" + id);
        if (job == null || !"RUNNING".equals(job.get("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.get("vertices")) {
            if (!"RUNNING".equals(vertex.get("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The job's root exception and recent failures, for failure messages. */
    String jobExceptions() {
        String id = jobId();
        JsonNode exceptions = id == null ? null : rest("/jobs/" + id + "/exceptions");
        return exceptions == null ? "(none)" : exceptions.toPrettyString();
    }

    /** The Prometheus text exposition of the (newest) TaskManager. */
    String scrapeTaskManagerMetrics() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(new URI("http://127.0.0.1:" + prometheusPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    /** Polls {@code condition}; fails with {@code what} and the cluster's logs after {@code timeout}. */
    void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        await(condition, timeout, () -> what);
    }

    /** As above, with the description computed when giving up (it may name what is missing then). */
    void await(BooleanSupplier condition, Duration timeout, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            for (FlinkProcess p : processes) {
                if (!p.expectedToExit && !p.process.isAlive()) {
                    throw new AssertionError(p.name + " exited with code " + p.process.exitValue() + " while waiting for "
                            + what.get() + "\n" + p.tail());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up waiting for " + what.get() + " after " + timeout + "\n" + logs());
            }
            Thread.sleep(100);
        }
    }

    /** Tails of every process's output and log. */
    String logs() {
        return processes.stream().map(FlinkProcess::tail).collect(Collectors.joining("\n"));
    }

    static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
    }
}
