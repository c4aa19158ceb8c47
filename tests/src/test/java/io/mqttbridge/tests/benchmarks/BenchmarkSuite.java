package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.RepositoryRoot;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark suite behind {@code ./benchmark [--quick] [--brokers a,b] [--heap-minutes N] [--out DIR]
 * [--no-function]} (and {@code --function}, {@code --limits}: parts of it on their own): for each
 * broker a JVM of its own ({@link BrokerBenchmark}), then the
 * http-function sink cases here, then charts and the tables of docs/benchmarks.md (between its
 * markers). The method is described in the generated section itself ({@link ResultsPage}).
 */
public final class BenchmarkSuite {

    private BenchmarkSuite() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--function")) {
            FunctionSinkBenchmark.main(List.of(args).subList(1, args.length).toArray(new String[0]));
            return;
        }
        if (args.length > 0 && args[0].equals("--limits")) {
            logToFile("benchmark-limits");
            BrokerLimitRounds.main(List.of(args).subList(1, args.length).toArray(new String[0]));
            return;
        }
        logToFile("benchmark-suite");
        System.setProperty("java.awt.headless", "true");
        Path repository = RepositoryRoot.path();
        Settings settings = Settings.parse(args, repository);
        Path work = Files.createDirectories(repository.resolve("tests/target/benchmarks-work"));
        double load = loadAverage();
        Instant started = Instant.now();

        Map<BrokerSetup, List<Measurement>> results = new LinkedHashMap<>();
        List<String> heap = new ArrayList<>();
        for (BrokerSetup setup : settings.brokers()) {
            Path resultFile = work.resolve(setup.cliName() + ".tsv");
            Path heapFile = work.resolve(setup.cliName() + "-heap.tsv");
            Files.deleteIfExists(resultFile);
            Files.deleteIfExists(heapFile);
            List<String> jvmArgs = new ArrayList<>(List.of(setup.cliName(), resultFile.toString(), heapFile.toString()));
            jvmArgs.addAll(List.of(args));
            int exit = runJvm(BrokerBenchmark.class, jvmArgs);
            List<Measurement> measured = new ArrayList<>();
            if (Files.exists(resultFile)) {
                Files.readAllLines(resultFile).forEach(line -> measured.add(Measurement.fromLine(line)));
            }
            if (exit != 0) {
                System.out.printf("benchmark: the %s JVM ended with exit code %d after %d runs%n", setup.cliName(), exit, measured.size());
            }
            results.put(setup, measured);
            if (Files.exists(heapFile)) {
                heap = Files.readAllLines(heapFile);
            }
        }
        List<FunctionSinkBenchmark.Row> function = settings.function()
                ? FunctionSinkBenchmark.cases(settings.functionSeconds(), 20)
                : List.of();

        Path charts = Files.createDirectories(settings.out().resolve("benchmarks"));
        Charts.draw(results, heap, charts);
        String section = new ResultsPage(settings, results, function, heap, started, load, loadAverage()).render();
        Path page = settings.out().resolve("benchmarks.md");
        if (!Files.exists(page)) {
            Files.copy(repository.resolve("docs/benchmarks.md"), page);
        }
        ResultsPage.replaceSection(page, section);
        System.out.println("benchmark: wrote " + page + " and the charts in " + charts);
        System.exit(0);
    }

    /** A child JVM running {@code main} with {@code args} and this JVM's class path; its output goes to this console. */
    static int runJvm(Class<?> main, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-cp", System.getProperty("java.class.path"),
                "-D" + RepositoryRoot.HOME_PROPERTY + "=" + RepositoryRoot.path(),
                main.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** Flink, Kafka and the brokers log to a file under java.io.tmpdir: their console output would drown the progress lines. */
    static void logToFile(String name) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("mqttbridge.local.log-file", System.getProperty("java.io.tmpdir") + "/" + name + ".log");
            System.setProperty("logback.configurationFile", "mqtt-bridge-local-logback.xml");
        }
    }

    /** The machine's one-minute load average, printed beside the figures (a shared machine varies). */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
