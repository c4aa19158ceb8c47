package io.mqttbridge.tests.sqlgateway;

import io.mqttbridge.embedded.MosquittoBroker;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Flink's SQL Gateway ({@code org.apache.flink.table.gateway.SqlGateway}, what {@code
 * bin/sql-gateway.sh} starts) in a JVM of its own, with its REST endpoint on loopback and {@code
 * execution.target: local}: every job it submits runs in a MiniCluster inside that JVM.
 *
 * <p>The class path is what a Flink distribution gives the gateway: its {@code lib/} (the job
 * module's {@code provided} dependencies, copied to {@code job/target/flink-lib}, plus the few
 * runtime libraries flink-dist bundles) and {@code opt/flink-sql-gateway}. No mqtt-bridge class is
 * on it: connectors come only from {@code ADD JAR}.
 */
final class SqlGatewayProcess implements AutoCloseable {

    private static final String MAIN = "org.apache.flink.table.gateway.SqlGateway";

    final List<Path> classPath;
    final URI restUri;
    private final Process process;
    private final Path log;
    private final Path out;

    private SqlGatewayProcess(List<Path> classPath, URI restUri, Process process, Path log, Path out) {
        this.classPath = classPath;
        this.restUri = restUri;
        this.process = process;
        this.log = log;
        this.out = out;
    }

    /** The repository root (tests run in the tests/ module folder). */
    static Path repository() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** A file the build makes; fails naming the build command when it is missing. */
    static Path built(String relativePath) {
        Path file = repository().resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build through the reactor to the package phase, e.g."
                    + " `mvn -pl tests -am verify -Dtest=SqlGatewayITCase -Dsurefire.failIfNoSpecifiedTests=false`");
        }
        return file;
    }

    /** Starts the gateway with {@code folder} as its FLINK_CONF_DIR and log folder; returns once its REST API answers. */
    static SqlGatewayProcess start(Path folder, Duration timeout) throws IOException, InterruptedException {
        List<Path> classPath = distributionClassPath();
        int port = MosquittoBroker.freePort();
        Path conf = Files.createDirectories(folder.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "execution.target: local",
                "parallelism.default: 1",
                "sql-gateway.endpoint.rest.address: 127.0.0.1",
                "sql-gateway.endpoint.rest.bind-address: 127.0.0.1",
                "sql-gateway.endpoint.rest.port: " + port,
                // without it the endpoint falls back to rest.bind-port, which the MiniCluster of each job
                // leaves unset so that its web endpoint takes a free port
                "sql-gateway.endpoint.rest.bind-port: " + port,
                "io.tmp.dirs: " + Files.createDirectories(folder.resolve("tmp")),
                ""));
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
        Path log = folder.resolve("sql-gateway.log");
        Path out = folder.resolve("sql-gateway.out");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx640m",
                "-Dlog.file=" + log,
                "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri(),
                "-cp", classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                MAIN);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        SqlGatewayProcess gateway = new SqlGatewayProcess(
                classPath, URI.create("http://127.0.0.1:" + port), builder.start(), log, out);
        gateway.awaitRestApi(timeout);
        return gateway;
    }

    /** Flink's lib/ as a distribution has it, and the gateway jar of its opt/. */
    private static List<Path> distributionClassPath() throws IOException {
        Path lib = repository().resolve("job/target/flink-lib");
        List<Path> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toCollection(ArrayList::new));
        } catch (IOException e) {
            throw new IllegalStateException(lib + " is missing: build the job module through the reactor (package phase)", e);
        }
        // Runtime libraries of Flink that flink-dist bundles and flink-lib lacks (the job jar bundles them).
        jars.add(jarOf(org.apache.commons.lang3.StringUtils.class));
        jars.add(jarOf(net.jpountz.lz4.LZ4Factory.class));
        jars.add(jarOf(org.xerial.snappy.Snappy.class));
        jars.add(built("tests/target/sql-gateway/flink-sql-gateway.jar"));
        return jars;
    }

    private static Path jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitRestApi(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest info = HttpRequest.newBuilder(restUri.resolve("/v3/info")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            assertAlive("starting");
            try {
                if (http.send(info, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the endpoint is not bound yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The SQL Gateway's REST API did not answer within " + timeout + "\n" + tail());
            }
            Thread.sleep(200);
        }
    }

    /** Fails with the gateway's output when its JVM has ended. */
    void assertAlive(String doing) {
        if (!process.isAlive()) {
            throw new AssertionError("The SQL Gateway exited with code " + process.exitValue() + " while " + doing + "\n" + tail());
        }
    }

    /** The last lines of its output and log, for failure messages. */
    String tail() {
        return "--- " + out + "\n" + lastLines(out, 30) + "\n--- " + log + "\n" + lastLines(log, 80);
    }

    private static String lastLines(Path file, int lines) {
        try {
            if (!Files.isRegularFile(file)) {
                return "(no " + file.getFileName() + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
