package io.mqttbridge.local;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.PublisherFields;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;

import io.mqttbridge.routes.RoutesFile;
import io.mqttbridge.routes.RoutesRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ./run-local}: HiveMQ CE, Kafka (KRaft), a RocketMQ name server and broker, an HTTP function endpoint and a Flink MiniCluster
 * with its web UI in this JVM on 127.0.0.1, a device simulator, and routes files (the demo's by default) running as one
 * job. Prints one {@code READY} line with the addresses when all of it runs, then a {@code SUMMARY}
 * line every few seconds. Ctrl-C or SIGTERM cancels the job and stops everything (exit 0).
 */
@PublicEvolving
public final class LocalStack {

    /** Checkpoint interval unless checkpoints-config/config.yaml sets one: acks wait for it. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMillis(500);

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** RocketMQ topics of the demo routes (sql/will-to-rocketmq.sql, sql/rocketmq-to-mqtt.sql), made at start. */
    static final List<String> ROCKETMQ_DEMO_TOPICS = List.of("station-wills", "device-commands");
    private static final int ROCKETMQ_DEMO_QUEUES = 4;

    private final LocalStackOptions options;
    private final Path home;
    private final PrintStream out;
    // Not static: logback must start after main() has set the log file location.
    private final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();

    private EmbeddedHiveMq hiveMq;
    private EmbeddedKafka kafka;
    private EmbeddedRocketMq rocketMq;
    private FunctionEndpoint functions;
    private JobClient job;
    private DeviceSimulator simulator;
    private ScheduledExecutorService summaries;
    private FlinkJobMetrics metrics;
    private List<RouteSinks.Sink> sinks = List.of();
    private volatile Throwable jobFailure;
    /** Set once loaded: failure messages are masked with it (substituted ${env:...} values). */
    private volatile RoutesFile routes;
    private volatile FlinkJobMetrics.Snapshot latestMetrics;
    private volatile String metricsError = "no answer from the Flink REST API yet";

    private LocalStack(LocalStackOptions options, Path home, PrintStream out) {
        this.options = options;
        this.home = home;
        this.out = out;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("mqttbridge.home", "")).toAbsolutePath();
        LocalStackOptions options;
        try {
            options = LocalStackOptions.parse(args, home);
        } catch (LocalStackOptions.UsageException e) {
            System.err.println("run-local: " + e.getMessage());
            System.err.println();
            System.err.println(LocalStackOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(LocalStackOptions.USAGE);
            System.exit(0);
        }
        // Before the first logger exists: logback reads both when it starts.
        System.setProperty("mqttbridge.local.log-file", logFile(options.dataDir).toString());
        // Where the Flink web UI finds the JobManager log: the stack's log.
        System.setProperty("log.file", logFile(options.dataDir).toString());
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "mqtt-bridge-local-logback.xml");
        }
        System.exit(new LocalStack(options, home, System.out).run());
    }

    /** Starts everything, waits for Ctrl-C / SIGTERM or the end of the job; returns the exit code. */
    int run() {
        // Our own handlers instead of the JVM's: a clean stop then exits 0, not 130/143.
        Signal.handle(new Signal("INT"), s -> stopRequested.countDown());
        Signal.handle(new Signal("TERM"), s -> stopRequested.countDown());
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "local-stack-shutdown"));
        try {
            start();
        } catch (Exception e) {
            log.error("Local stack did not start", e);
            System.err.println("run-local: could not start: " + describe(e));
            System.err.println("run-local: full log in " + logFile(options.dataDir));
            stop();
            return 1;
        }
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = jobFailure;
        stop();
        if (failure != null) {
            System.err.println("run-local: the routes job ended: " + describe(failure));
            return 1;
        }
        return 0;
    }

    private void start() throws Exception {
        checkPortsFree();
        Path data = Files.createDirectories(options.dataDir);
        // Brokers and checkpoints start fresh each run; the log folder is kept.
        for (String dir : List.of("hivemq", "kafka", "rocketmq", "checkpoints")) {
            deleteRecursively(data.resolve(dir));
        }
        String mqttUri = options.mqttUri();
        if (options.externalMqtt == null) {
            log.info("Starting HiveMQ CE on 127.0.0.1:{}", options.mqttPort);
            // Stamps message id, server time and publisher client id / host / user name on every message,
            // as a cloud MQTT service does, so the demo's headers carry all of them.
            hiveMq = EmbeddedHiveMq.start(
                    options.mqttPort, data.resolve("hivemq"), EmbeddedHiveMq.MAX_QUEUE_SIZE, PublisherFields.ADD_MISSING);
        }
        log.info("Starting Kafka on 127.0.0.1:{}", options.kafkaPort);
        kafka = EmbeddedKafka.start(options.kafkaPort, data.resolve("kafka"));

        log.info("Starting RocketMQ (name server on 127.0.0.1:{})", options.rocketMqPort);
        // Topics are created on first send too, as on a development cluster, so a user's own routes
        // need no setup; the demo's are made now, so its source finds their queues at once.
        rocketMq = EmbeddedRocketMq.start(data.resolve("rocketmq"), options.rocketMqPort, true);
        for (String topic : ROCKETMQ_DEMO_TOPICS) {
            rocketMq.createTopic(topic, ROCKETMQ_DEMO_QUEUES);
        }

        log.info("Starting the function endpoint on 127.0.0.1:{}", options.functionPort);
        functions = FunctionEndpoint.start(options.functionPort, options.functionFailShare, options.functionLatency);

        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MQTT_URI", mqttUri);
        env.put("KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("ROCKETMQ_NAMESRV", rocketMq.nameServer());
        // sql/rocketmq-replication.sql: on the local stack the "other cluster" is the same one.
        env.putIfAbsent("ROCKETMQ_TARGET_NAMESRV", rocketMq.nameServer());
        env.put("FUNCTIONS_URL", functions.url());
        RoutesFile routes = RoutesFile.load(options.routes, env);
        this.routes = routes;

        StreamExecutionEnvironment flink = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flinkConfiguration(data));
        flink.setParallelism(options.parallelism);
        // The runner's own reading of the routes, before any job: what it accepts, the stack accepts.
        sinks = RouteSinks.of(RoutesRunner.plan(flink, routes), kafka.bootstrapServers());
        RouteSinks.createTopics(sinks, kafka);
        log.info("Running routes {}", routes.names());
        TableResult result = RoutesRunner.execute(flink, routes);
        // The runner throws when the routes hold no INSERT, so a job was submitted.
        job = result.getJobClient().orElseThrow();
        job.getJobExecutionResult()
                .whenComplete(
                        (r, e) -> {
                            if (!stopped.get()) {
                                jobFailure = e != null ? e : new IllegalStateException("the job finished");
                                stopRequested.countDown();
                            }
                        });
        String restUrl = "http://127.0.0.1:" + options.flinkUiPort;
        metrics = new FlinkJobMetrics(restUrl, job.getJobID().toString());
        awaitTasksRunning();
        if (stopRequested.getCount() == 0) {
            return; // Ctrl-C while starting: run() stops what has started
        }

        if (options.simulator) {
            simulator = DeviceSimulator.start(URI.create(mqttUri), options.vehicles, options.rate);
        }
        out.println("READY mqtt=" + mqttUri + " kafka=" + kafka.bootstrapServers() + " flink-ui=" + restUrl
                + " functions=" + functions.url() + " rocketmq=" + rocketMq.nameServer());
        out.flush();

        summaries =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "local-stack-summary");
                            t.setDaemon(true);
                            return t;
                        });
        // Flink's REST API answers metric queries from a cache that the query itself refreshes:
        // polling every second keeps the counters of each summary at most a second or two old.
        summaries.scheduleWithFixedDelay(this::refreshMetrics, 0, 1, TimeUnit.SECONDS);
        long every = options.summaryInterval.toMillis();
        summaries.scheduleWithFixedDelay(this::printSummary, every, every, TimeUnit.MILLISECONDS);
    }

    /** Fails before anything starts when a port is taken, naming the option that moves it. */
    private void checkPortsFree() throws IOException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (options.externalMqtt == null) {
            ports.put("--mqtt-port", options.mqttPort);
        }
        ports.put("--kafka-port", options.kafkaPort);
        ports.put("--flink-ui-port", options.flinkUiPort);
        ports.put("--function-port", options.functionPort);
        ports.put("--rocketmq-port", options.rocketMqPort);
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress("127.0.0.1", port.getValue()));
            } catch (IOException e) {
                throw new IOException(
                        "port " + port.getValue() + " on 127.0.0.1 is in use (another ./run-local?); choose another with "
                                + port.getKey() + " PORT");
            }
        }
    }

    private Configuration flinkConfiguration(Path data) {
        Configuration conf = RoutesRunner.localConfiguration(home);
        if (!conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
        }
        // Checkpoints of the local stack stay in its data folder, whatever a cluster config says.
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, data.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, data.resolve("savepoints").toUri().toString());
        if (!"hashmap".equals(conf.get(StateBackendOptions.STATE_BACKEND)) && !rocksDbAvailable()) {
            log.info("RocksDB is not on the local stack's classpath: using the hashmap state backend");
            conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        }
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, options.flinkUiPort);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, options.parallelism);
        // One slot per subtask of the widest operator, whatever a cluster config says.
        conf.removeConfig(TaskManagerOptions.NUM_TASK_SLOTS);
        // The summary and the web UI read counters the REST server fetches this often.
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        return conf;
    }

    private static boolean rocksDbAvailable() {
        try {
            Class.forName("org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Waits until every task of the job runs, so the source has subscribed before devices publish. */
    private void awaitTasksRunning() throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer from the Flink REST API";
        while (System.nanoTime() < deadline) {
            if (jobFailure != null) {
                throw new IllegalStateException("the routes job failed while starting", jobFailure);
            }
            if (stopRequested.getCount() == 0) {
                return;
            }
            try {
                FlinkJobMetrics.Snapshot s = metrics.poll();
                if ("RUNNING".equals(s.state()) && s.allTasksRunning()) {
                    return;
                }
                last = "job state " + s.state();
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the routes job did not reach RUNNING within " + READY_TIMEOUT + " (" + last + ")");
    }

    private void refreshMetrics() {
        try {
            latestMetrics = metrics.poll();
        } catch (IOException e) {
            latestMetrics = null;
            metricsError = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void printSummary() {
        StringBuilder line = new StringBuilder("SUMMARY ");
        line.append(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")));
        line.append(" published=").append(simulator != null ? Long.toString(simulator.published()) : "-");
        if (simulator != null && simulator.failed() > 0) {
            line.append(" publish-failed=").append(simulator.failed());
        }
        FlinkJobMetrics.Snapshot s = latestMetrics;
        if (s != null) {
            line.append(" job=").append(s.state()).append(" received=").append(s.received());
            for (String table : RouteSinks.tables(sinks)) {
                line.append(" sink.").append(table).append('=').append(s.sent().getOrDefault(table, 0L));
                long failed = s.failed().getOrDefault(table, 0L);
                if (failed > 0) {
                    line.append(" sink.").append(table).append(".failed=").append(failed);
                }
                if (s.latencyMs().containsKey(table)) {
                    line.append(" sink.").append(table).append(".latency-ms=").append(s.latencyMs().get(table));
                }
            }
        } else {
            line.append(" job=? (").append(metricsError).append(')');
        }
        try {
            List<String> topics =
                    RouteSinks.countedTopics(sinks, RouteSinks.anyTopicPattern(sinks) ? kafka.topics() : List.of());
            Map<String, Long> offsets = kafka.endOffsets(topics);
            for (String topic : topics) {
                line.append(" kafka.").append(topic).append('=').append(offsets.getOrDefault(topic, 0L));
            }
        } catch (RuntimeException e) {
            line.append(" kafka=? (").append(describe(e).replaceAll("\\s*\\n\\s*", " ")).append(')');
        }
        line.append(" functions.invocations=").append(functions.invocations())
                .append(" functions.records=").append(functions.recordCount());
        if (functions.failed() > 0) {
            line.append(" functions.failed=").append(functions.failed());
        }
        out.println(line);
        out.flush();
    }

    /** Stops in reverse order of start; safe to call twice (the shutdown hook calls it again). */
    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        out.println("Stopping the local stack ...");
        out.flush();
        if (summaries != null) {
            summaries.shutdownNow();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (job != null) {
            try {
                job.cancel().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.debug("Cancelling the job: {}", e.toString());
            }
            try {
                // Completes when the job is gone; the MiniCluster shuts itself down after it.
                job.getJobExecutionResult().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception expected) {
                // A cancelled job ends exceptionally.
            }
        }
        if (functions != null) {
            functions.close();
        }
        if (rocketMq != null) {
            rocketMq.close(); // ~10 s: the broker waits for its schedulers
        }
        if (kafka != null) {
            kafka.close();
        }
        if (hiveMq != null) {
            hiveMq.close();
        }
        out.println("Stopped.");
        out.flush();
    }

    private static Path logFile(Path dataDir) {
        return dataDir.resolve("logs").resolve("local-stack.log");
    }

    /** The cause chain's messages, with every substituted value of the routes file masked. */
    private String describe(Throwable e) {
        return RoutesRunner.describe(e, routes);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
