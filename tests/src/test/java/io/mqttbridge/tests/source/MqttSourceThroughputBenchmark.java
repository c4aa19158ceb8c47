package io.mqttbridge.tests.source;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.MqttSource;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rough throughput of the source under ack-on-checkpoint: 4 subscribers in a shared group,
 * parallelism 2, QoS 1, a discarding sink; checkpoint intervals 200 ms and 1 s; HiveMQ CE and
 * Mosquitto. Not part of the suite (the name matches neither *Test nor *ITCase); run with
 * {@code mvn -B -o -pl tests -am verify -Dtest=MqttSourceThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * and read the lines starting with "BENCHMARK".
 */
class MqttSourceThroughputBenchmark {

    private static final int MESSAGES = 40_000;
    private static final int PUBLISHERS = 4;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(2);

    @TempDir static Path folder;

    static final AtomicLong COUNT = new AtomicLong();
    static final AtomicLong FIRST_NANOS = new AtomicLong();

    static final class Discarding implements MqttMessageDeserializer<Integer> {
        @Override
        public void deserialize(MqttMessage message, Collector<Integer> out) {
            out.collect(message.payload().length);
        }

        @Override
        public TypeInformation<Integer> getProducedType() {
            return Types.INT;
        }
    }

    static final class Count implements MapFunction<Integer, Integer> {
        @Override
        public Integer map(Integer value) {
            FIRST_NANOS.compareAndSet(0, System.nanoTime());
            COUNT.incrementAndGet();
            return value;
        }
    }

    @Test
    void measure() throws Exception {
        List<String> results = new ArrayList<>();
        for (TestBroker.Kind kind : TestBroker.Kind.values()) {
            try (TestBroker broker = TestBroker.start(kind, FreePorts.pick(), folder)) {
                for (long interval : new long[] {200, 1000}) {
                    results.add(run(broker, interval));
                }
            }
        }
        results.forEach(System.out::println);
    }

    private String run(TestBroker broker, long intervalMs) throws Exception {
        String run = broker.kind().name().toLowerCase() + "-" + intervalMs;
        String topic = "bench/" + run;
        COUNT.set(0);
        FIRST_NANOS.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(intervalMs);
        MqttSource<Integer> source = MqttSource.<Integer>builder()
                .setServerUri(broker.serverUri())
                .setTopicFilters(topic)
                .setSharedGroup("bench-" + run)
                .setSubscribers(4)
                .setOption(MqttOptions.RECEIVE_MAXIMUM, 65_535)
                .setDeserializer(new Discarding())
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").map(new Count()).sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("bench-" + run);
        try {
            List<MqttTestPublisher> publishers = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                publishers.add(MqttTestPublisher.connect(broker.serverUri(), "bench-pub-" + run + "-" + p));
            }
            // Wait until a subscriber is there: a probe message must come through.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (COUNT.get() == 0) {
                publishers.get(0).publish(topic, "p", 1);
                Thread.sleep(100);
                if (System.nanoTime() > deadline) {
                    return "BENCHMARK " + run + ": no subscriber after 60 s";
                }
            }
            Thread.sleep(2000); // let the other subscribers connect too
            long before = COUNT.get();
            long start = System.nanoTime();
            String payload = "x".repeat(100);
            MqttTestPublisher.publishNumbered(publishers, topic, 1, MESSAGES, n -> payload);
            double publishSeconds = (System.nanoTime() - start) / 1e9;
            long target = before + MESSAGES;
            long receiveDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (COUNT.get() < target && System.nanoTime() < receiveDeadline) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long got = COUNT.get() - before;
            publishers.forEach(MqttTestPublisher::close);
            return String.format(
                    "BENCHMARK %-9s checkpoint %4d ms: %d/%d messages in %.1f s = %.0f msg/s through the source (publishing alone took %.1f s = %.0f msg/s)%s",
                    broker.kind(), intervalMs, got, MESSAGES, seconds, got / seconds, publishSeconds, MESSAGES / publishSeconds,
                    got < MESSAGES ? " INCOMPLETE after 300 s" : "");
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            Thread.sleep(1000);
        }
    }
}
