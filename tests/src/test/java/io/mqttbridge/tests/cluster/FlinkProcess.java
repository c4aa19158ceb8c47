package io.mqttbridge.tests.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One JVM running a Flink entry point (JobManager, TaskManager or the {@code flink} CLI) on the
 * Flink class path, as Flink's own scripts start it: its log goes to {@code <name>.log}, stdout and
 * stderr to {@code <name>.out} in the cluster folder.
 */
final class FlinkProcess implements AutoCloseable {

    /** What Flink's default config.yaml passes to every Flink JVM on Java 17 (env.java.opts.all). */
    private static final List<String> JAVA_17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    final String name;
    final Process process;
    final Path log;
    final Path out;
    /** Set when the test ends the process itself, or it is meant to finish (the CLI). */
    volatile boolean expectedToExit;

    private FlinkProcess(String name, Process process, Path log, Path out) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.out = out;
    }

    /**
     * Starts {@code mainClass args} with {@code jvmOptions} on {@code classPath}, FLINK_CONF_DIR set
     * to {@code confDir} and {@code env} added to the environment.
     */
    static FlinkProcess start(
            String name,
            Path folder,
            String classPath,
            Path confDir,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Map<String, String> env)
            throws IOException {
        Path log = folder.resolve(name + ".log");
        Path out = folder.resolve(name + ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(JAVA_17_OPENS);
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        builder.environment().putAll(env);
        return new FlinkProcess(name, builder.start(), log, out);
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux): no shutdown hook, no goodbye. */
    void kill() throws InterruptedException {
        expectedToExit = true;
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit; fails naming its output when it does not in {@code timeout}. */
    int waitFor(Duration timeout) throws InterruptedException {
        expectedToExit = true;
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not finish within " + timeout + "\n" + tail());
        }
        return process.exitValue();
    }

    /** The last lines of stdout/stderr and of the log, for failure messages. */
    String tail() {
        return "--- " + out + "\n" + lastLines(out, 40) + "\n--- " + log + "\n" + lastLines(log, 60);
    }

    String output() {
        try {
            return Files.isRegularFile(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + out + ": " + e + ")";
        }
    }

    static String lastLines(Path file, int lines) {
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
        expectedToExit = true;
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
