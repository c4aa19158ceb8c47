package io.mqttbridge.local;

import org.apache.flink.annotation.Internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/** Command line of {@code ./run-local}: parsed and checked before anything starts. */
@Internal
final class LocalStackOptions {

    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: ./run-local [options]",
                    "",
                    "Starts on 127.0.0.1, in one JVM: an MQTT broker (HiveMQ CE), Kafka (KRaft), a RocketMQ name",
                    "server and broker, an HTTP function endpoint, a Flink MiniCluster with its web UI and a",
                    "device simulator, then runs the routes files as one job.",
                    "",
                    "Options:",
                    "  --routes FILE            a routes file to run; repeat it for several files, run as one job",
                    "                           (default: sql/demo.sql sql/will-to-rocketmq.sql sql/rocketmq-to-mqtt.sql)",
                    "  --no-simulator           do not start the device simulator",
                    "  --vehicles N             simulated vehicles (default: 20)",
                    "  --rate N                 simulator messages per second, all vehicles together (default: 20)",
                    "  --mqtt URI               use this MQTT broker (tcp://host:port or ssl://host:port)",
                    "                           instead of the embedded one",
                    "  --mqtt-port PORT         port of the embedded MQTT broker (default: 1883)",
                    "  --kafka-port PORT        port of the embedded Kafka broker (default: 9092)",
                    "  --rocketmq-port PORT     port of the embedded RocketMQ name server (default: 9876); the",
                    "                           broker takes free ports of its own",
                    "  --flink-ui-port PORT     port of the Flink web UI and REST API (default: 8081)",
                    "  --function-port PORT     port of the local HTTP function endpoint (default: 8090)",
                    "  --function-fail-share X  share of function requests answered 503, 0 to 1 (default: 0),",
                    "                           to watch the http-function sink retry",
                    "  --function-latency MS    milliseconds the function endpoint waits before answering (default: 0)",
                    "  --parallelism N          default parallelism of the routes job (default: 2)",
                    "  --summary-interval SECS  seconds between two summary lines (default: 5)",
                    "  --data-dir DIR           broker data, checkpoints and the full log (default: .local-data)",
                    "  --help                   print this help and exit",
                    "",
                    "The routes files see MQTT_URI, KAFKA_BOOTSTRAP, ROCKETMQ_NAMESRV and FUNCTIONS_URL (the stack's",
                    "addresses) through ${env:...}. Stop with Ctrl-C or SIGTERM.");

    /** Thrown for a bad command line; the message names the option. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** The demo: sql/demo.sql and the two RocketMQ recipes, as one job named demo. */
    static final List<String> DEMO_ROUTES = List.of("demo.sql", "will-to-rocketmq.sql", "rocketmq-to-mqtt.sql");

    final List<Path> routes = new ArrayList<>();
    boolean simulator = true;
    int vehicles = 20;
    int rate = 20;
    URI externalMqtt;
    int mqttPort = 1883;
    int kafkaPort = 9092;
    int rocketMqPort = 9876;
    int flinkUiPort = 8081;
    int functionPort = 8090;
    double functionFailShare = 0.0;
    Duration functionLatency = Duration.ZERO;
    int parallelism = 2;
    Duration summaryInterval = Duration.ofSeconds(5);
    Path dataDir;
    boolean help;

    /**
     * Parses {@code args}. Relative paths resolve against the current directory; defaults for
     * the routes file and the data directory against {@code home} (the repository root).
     */
    static LocalStackOptions parse(String[] args, Path home) throws UsageException {
        LocalStackOptions o = new LocalStackOptions();
        Deque<String> rest = new ArrayDeque<>();
        for (String arg : args) {
            // Accept --name=value as well as --name value.
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                rest.add(arg.substring(0, eq));
                rest.add(arg.substring(eq + 1));
            } else {
                rest.add(arg);
            }
        }
        while (!rest.isEmpty()) {
            String opt = rest.poll();
            switch (opt) {
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                case "--routes":
                    o.routes.add(Path.of(value(opt, rest)).toAbsolutePath());
                    break;
                case "--no-simulator":
                    o.simulator = false;
                    break;
                case "--vehicles":
                    o.vehicles = positiveInt(opt, value(opt, rest), 100_000);
                    break;
                case "--rate":
                    o.rate = positiveInt(opt, value(opt, rest), 100_000);
                    break;
                case "--mqtt":
                    o.externalMqtt = mqttUri(value(opt, rest));
                    break;
                case "--mqtt-port":
                    o.mqttPort = port(opt, value(opt, rest));
                    break;
                case "--kafka-port":
                    o.kafkaPort = port(opt, value(opt, rest));
                    break;
                case "--rocketmq-port":
                    o.rocketMqPort = port(opt, value(opt, rest));
                    break;
                case "--flink-ui-port":
                    o.flinkUiPort = port(opt, value(opt, rest));
                    break;
                case "--function-port":
                    o.functionPort = port(opt, value(opt, rest));
                    break;
                case "--function-fail-share":
                    o.functionFailShare = share(opt, value(opt, rest));
                    break;
                case "--function-latency":
                    o.functionLatency = Duration.ofMillis(nonNegativeInt(opt, value(opt, rest), 600_000));
                    break;
                case "--parallelism":
                    o.parallelism = positiveInt(opt, value(opt, rest), 64);
                    break;
                case "--summary-interval":
                    o.summaryInterval = Duration.ofSeconds(positiveInt(opt, value(opt, rest), 3600));
                    break;
                case "--data-dir":
                    o.dataDir = Path.of(value(opt, rest)).toAbsolutePath();
                    break;
                default:
                    throw new UsageException(
                            opt.startsWith("-")
                                    ? "unknown option '" + opt + "'"
                                    : "unexpected argument '" + opt + "' (options start with --)");
            }
        }
        if (o.routes.isEmpty()) {
            DEMO_ROUTES.forEach(file -> o.routes.add(home.resolve("sql").resolve(file).toAbsolutePath()));
        }
        if (o.dataDir == null) {
            o.dataDir = home.resolve(".local-data").toAbsolutePath();
        }
        if (!o.help) {
            for (Path file : o.routes) {
                if (!Files.isRegularFile(file)) {
                    throw new UsageException("--routes: no such file: " + file);
                }
            }
        }
        if (o.externalMqtt == null) {
            distinct("--mqtt-port", o.mqttPort, "--kafka-port", o.kafkaPort);
            distinct("--mqtt-port", o.mqttPort, "--flink-ui-port", o.flinkUiPort);
        }
        distinct("--kafka-port", o.kafkaPort, "--flink-ui-port", o.flinkUiPort);
        if (o.externalMqtt == null) {
            distinct("--mqtt-port", o.mqttPort, "--function-port", o.functionPort);
        }
        distinct("--kafka-port", o.kafkaPort, "--function-port", o.functionPort);
        distinct("--flink-ui-port", o.flinkUiPort, "--function-port", o.functionPort);
        if (o.externalMqtt == null) {
            distinct("--mqtt-port", o.mqttPort, "--rocketmq-port", o.rocketMqPort);
        }
        distinct("--kafka-port", o.kafkaPort, "--rocketmq-port", o.rocketMqPort);
        distinct("--flink-ui-port", o.flinkUiPort, "--rocketmq-port", o.rocketMqPort);
        distinct("--function-port", o.functionPort, "--rocketmq-port", o.rocketMqPort);
        return o;
    }

    /** The MQTT address the routes and the simulator use. */
    String mqttUri() {
        return externalMqtt != null ? externalMqtt.toString() : "tcp://127.0.0.1:" + mqttPort;
    }

    private static String value(String opt, Deque<String> rest) throws UsageException {
        String v = rest.poll();
        if (v == null || (v.startsWith("--") && !v.equals("--"))) {
            throw new UsageException(opt + " needs a value");
        }
        return v;
    }

    private static int positiveInt(String opt, String v, int max) throws UsageException {
        return intInRange(opt, v, 1, max, "a whole number from 1 to " + max);
    }

    private static int nonNegativeInt(String opt, String v, int max) throws UsageException {
        return intInRange(opt, v, 0, max, "a whole number from 0 to " + max);
    }

    /** {@code v} as an int in [{@code min}, {@code max}], else a usage error saying it must be {@code what}. */
    private static int intInRange(String opt, String v, int min, int max, String what) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(opt + " must be " + what + ", got '" + v + "'");
    }

    private static double share(String opt, String v) throws UsageException {
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(opt + " must be a number from 0 to 1 (e.g. 0.2 for 20 %), got '" + v + "'");
    }

    private static int port(String opt, String v) throws UsageException {
        return intInRange(opt, v, 1, 65_535, "a port number from 1 to 65535");
    }

    private static URI mqttUri(String v) throws UsageException {
        try {
            URI uri = new URI(v);
            if (!Arrays.asList("tcp", "ssl").contains(uri.getScheme()) || uri.getHost() == null) {
                throw new UsageException(
                        "--mqtt must look like tcp://host:port or ssl://host:port, got '" + v + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("--mqtt is not a valid URI: '" + v + "' (" + e.getReason() + ")");
        }
    }

    private static void distinct(String a, int pa, String b, int pb) throws UsageException {
        if (pa == pb) {
            throw new UsageException(a + " and " + b + " are both " + pa + "; give them different ports");
        }
    }
}
