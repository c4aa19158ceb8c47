package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.httpfunction.HttpFunctionOptions;
import io.mqttbridge.httpfunction.sink.FunctionRecord;
import io.mqttbridge.httpfunction.sink.FunctionSink;
import io.mqttbridge.embedded.FunctionEndpoint;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of the http-function sink against the local FunctionEndpoint with a fixed latency
 * (default 20 ms): records per second for max-messages 1, 10, 100 and max-in-flight 1, 8, and the
 * ratio to the ideal {@code max-in-flight × max-messages / latency}. Part of the suite ({@link
 * BenchmarkSuite}), and a main of its own:
 *
 * <pre>
 * ./benchmark --function [seconds] [latency-ms]
 * </pre>
 *
 * <p>Records come from a generator in the same job (sink parallelism 1, one subtask), so the MQTT
 * side is not the bottleneck; the rate is measured at the endpoint, from the first to the last
 * record it received, so job start-up is not counted. The last column is what the HTTP stack
 * itself reaches on this machine with the same concurrency and bodies, without Flink.
 */
public final class FunctionSinkBenchmark {

    private FunctionSinkBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkSuite.logToFile("function-benchmark");
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.printf(Locale.ROOT, "http-function sink, endpoint latency %d ms, about %.0f s per run%n", latencyMs, seconds);
        System.out.println(HEADER);
        cases(seconds, latencyMs).forEach(row -> System.out.println(row.toMarkdown()));
    }

    static final String HEADER = "| max-messages | max-in-flight | records | seconds | records/s | ideal records/s | ratio | HTTP floor ratio |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|";

    /** One case: the sink's rate, the ideal and the bare HTTP stack's rate, in records per second. */
    record Row(int maxMessages, int maxInFlight, long records, double rate, double ideal, double floor) {
        String toMarkdown() {
            return String.format(Locale.ROOT, "| %d | %d | %d | %.2f | %.0f | %.0f | %.2f | %.2f |",
                    maxMessages, maxInFlight, records, records / rate, rate, ideal, rate / ideal, floor / ideal);
        }
    }

    /** max-messages 1, 10, 100 × max-in-flight 1, 8, about {@code seconds} each at {@code latencyMs} endpoint latency. */
    static List<Row> cases(double seconds, int latencyMs) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int maxMessages : new int[] {1, 10, 100}) {
            for (int maxInFlight : new int[] {1, 8}) {
                double ideal = maxInFlight * maxMessages * 1000.0 / latencyMs;
                long records = Math.max(200, Math.round(ideal * seconds));
                double rate = run(maxMessages, maxInFlight, records, latencyMs);
                double floor = httpFloor(maxMessages, maxInFlight, latencyMs, Math.min(seconds, 3));
                rows.add(new Row(maxMessages, maxInFlight, records, rate, ideal, floor));
            }
        }
        return rows;
    }

    /**
     * The same traffic without Flink: {@code maxInFlight} threads each post envelopes of {@code
     * maxMessages} records one after the other with one JDK HttpClient, to a fresh endpoint with
     * the same latency. What the machine and the HTTP stack allow; returns records per second.
     */
    static double httpFloor(int maxMessages, int maxInFlight, int latencyMs, double seconds) throws Exception {
        StringBuilder envelope = new StringBuilder("{\"function\":\"bench\",\"encoding\":\"json\",\"count\":" + maxMessages + ",\"records\":[");
        for (int i = 0; i < maxMessages; i++) {
            envelope.append(i == 0 ? "" : ",").append("{\"key\":\"v-1\",\"payload\":{\"vehicle\":\"v-1\",\"soc\":1.5,\"lat\":52.5,\"lon\":13.4,\"ts\":1}}");
        }
        byte[] body = envelope.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        try (FunctionEndpoint endpoint = FunctionEndpoint.start(0, 0.0, Duration.ofMillis(latencyMs))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint.url() + "/floor"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json").build();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < maxInFlight; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            client.send(request, HttpResponse.BodyHandlers.discarding());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            return endpoint.recordCount() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Runs one job; returns records per second as the endpoint saw them. */
    static double run(int maxMessages, int maxInFlight, long records, int latencyMs) throws Exception {
        try (FunctionEndpoint endpoint = FunctionEndpoint.start(0, 0.0, Duration.ofMillis(latencyMs))) {
            Configuration conf = new Configuration();
            conf.setString("taskmanager.numberOfTaskSlots", "2");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            env.fromSource(new DataGeneratorSource<>(n -> n, records, Types.LONG), WatermarkStrategy.noWatermarks(), "generator")
                    .sinkTo(FunctionSink.<Long>builder()
                            .setUrl(endpoint.url() + "/bench")
                            .setName("bench")
                            .setOption(HttpFunctionOptions.MAX_MESSAGES, maxMessages)
                            .setOption(HttpFunctionOptions.MAX_IN_FLIGHT, maxInFlight)
                            .setOption(HttpFunctionOptions.MAX_WAIT, Duration.ofMillis(100))
                            .setElementConverter((n, ctx) -> FunctionRecord.of("v-" + (n % 100),
                                    ("{\"vehicle\":\"v-" + (n % 100) + "\",\"soc\":" + (n % 100) + ".5,\"lat\":52.5,\"lon\":13.4,\"ts\":" + n + "}")
                                            .getBytes(StandardCharsets.UTF_8)))
                            .build());
            // Rate between the first and the last record counted at the endpoint (both counted after
            // the same latency), so job start-up and shutdown are not in it.
            long[] first = new long[2];
            long[] lastAt = {0};
            Thread sampler = new Thread(() -> {
                while (endpoint.recordCount() == 0) {
                    LockSupport.parkNanos(100_000);
                }
                first[0] = System.nanoTime();
                first[1] = endpoint.recordCount();
                while (endpoint.recordCount() < records) {
                    LockSupport.parkNanos(100_000);
                }
                lastAt[0] = System.nanoTime();
            }, "benchmark-sampler");
            sampler.setDaemon(true);
            sampler.start();
            env.execute("benchmark " + maxMessages + "x" + maxInFlight);
            sampler.join(10_000);
            if (endpoint.recordCount() != records || lastAt[0] == 0) {
                throw new IllegalStateException("the endpoint received " + endpoint.recordCount() + " of " + records + " records");
            }
            double elapsed = (lastAt[0] - first[0]) / 1e9;
            return (records - first[1]) / elapsed;
        }
    }
}
