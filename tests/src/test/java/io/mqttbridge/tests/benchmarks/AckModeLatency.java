package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.LoopbackBroker;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.benchmarks.BridgeJob.Route;
import io.mqttbridge.tests.benchmarks.BridgeJob.Setting;
import io.mqttbridge.tests.benchmarks.Contender.Kind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which part of a checkpoint delays the slowest messages: {@code AckModeLatency <offered msg/s> <rounds>}
 * runs, in turn and on Mosquitto, the hand-written bridge, the route with ack-mode {@code checkpoint}
 * and the same route with ack-mode {@code receipt}, each at the same offered load (the suite's
 * warm-up and window). Both routes checkpoint every second, so the at-least-once Kafka sink flushes
 * in both; only the first holds the MQTT acknowledgements until the checkpoint completes. Prints the
 * suite's progress lines (latency, slow bursts and their spacing, GC); docs/benchmarks.md, "Latency
 * and the checkpoint", has a run.
 */
public final class AckModeLatency {

    private static final int SUBSCRIBERS = 4;
    private static final int PARALLELISM = 2;

    private AckModeLatency() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("Usage: AckModeLatency <offered msg/s> <rounds>");
        }
        BenchmarkSuite.logToFile("benchmark-ack-mode-latency");
        long offered = Long.parseLong(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Settings settings = Settings.parse(new String[0], RepositoryRoot.path());
        Path folder = Files.createTempDirectory("benchmark-ack-mode-latency");
        try (LoopbackBroker broker = BrokerSetup.MOSQUITTO.start(folder);
                EmbeddedKafka kafka = EmbeddedKafka.start(0, folder.resolve("kafka"))) {
            Runner runner = new Runner(BrokerSetup.MOSQUITTO, broker.serverUri(), kafka, settings);
            for (int round = 0; round < rounds; round++) {
                runner.run(Kind.BASELINE, "load", SUBSCRIBERS + " subscribers", offered,
                        (group, filter, topic) -> new HandWrittenBridge(broker.serverUri(), group, filter, SUBSCRIBERS, kafka, topic));
                for (String ackMode : List.of("checkpoint", "receipt")) {
                    Setting setting = new Setting(ackMode, "1 s", PARALLELISM, SUBSCRIBERS, Route.FILTER);
                    runner.run(Kind.BRIDGE, "load", setting.describe(), offered,
                            (group, filter, topic) -> new BridgeJob(broker.serverUri(), group, filter, setting, kafka, topic, folder));
                }
            }
        }
        System.exit(0); // the MiniClusters' and the broker's non-daemon threads
    }
}
