package io.mqttbridge.tests.function;

import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.RepositoryRoot;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on the local stack's parts: vehicles publish to the embedded HiveMQ, the shipped
 * {@code sql/low-battery-function.sql} runs on a MiniCluster, and the local FunctionEndpoint
 * receives exactly the reports below 15 %, each vehicle's in order, with the documented envelope.
 */
class LowBatteryFunctionRouteITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    /**
     * {@code failShare} of the requests are answered 503 by the endpoint: the route's retries (5)
     * must still deliver every matching report once and in order per vehicle.
     */
    @ParameterizedTest(name = "endpoint fails {0} of the requests")
    @ValueSource(doubles = {0.0, 0.2})
    void lowBatteryRouteInvokesTheFunctionWithExactlyTheMatchingVehicles(double failShare, @TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp);
                FunctionEndpoint functions = FunctionEndpoint.start(0, failShare, Duration.ZERO)) {
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "FUNCTIONS_URL", functions.url(), "FUNCTION_TOKEN", "e2e-secret");
            try (RouteJob job = RouteJob.submit(RepositoryRoot.resolve("sql/low-battery-function.sql"), env, new Configuration());
                    MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri())) {
                // Probe until the route is subscribed: a probe below the threshold reaches the function.
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int probes = 0;
                while (functions.received("/low-battery").isEmpty()) {
                    job.assertRunning();
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no probe reached the function in 60 s: is the route subscribed?");
                    }
                    report(publisher, "probe", 1.0, "probe-" + probes++);
                    Thread.sleep(300);
                }

                List<String> vehicles = List.of("v-001", "v-002", "v-003", "v-004", "v-005", "v-006", "v-007");
                Map<String, List<String>> expected = new HashMap<>();
                for (int i = 0; i < 140; i++) {
                    String vehicle = vehicles.get(i % vehicles.size());
                    double soc = (i * 37) % 100 + 0.5; // 0.5 .. 99.5, the threshold admits about 15 %
                    String messageId = "m-" + i;
                    report(publisher, vehicle, soc, messageId);
                    if (soc < 15) {
                        expected.computeIfAbsent(vehicle, v -> new ArrayList<>()).add(messageId);
                    }
                }
                // A last low report per vehicle: sequential ordering per vehicle means that once it
                // arrived, everything the vehicle published before it has been decided.
                for (String vehicle : vehicles) {
                    report(publisher, vehicle, 0.5, "end-" + vehicle);
                    expected.computeIfAbsent(vehicle, v -> new ArrayList<>()).add("end-" + vehicle);
                }
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!receivedIds(functions).containsAll(vehicles.stream().map(v -> "end-" + v).toList())) {
                    job.assertRunning();
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("not every end marker arrived in 60 s; received " + receivedIds(functions));
                    }
                    Thread.sleep(100);
                }

                List<FunctionEndpoint.Received> received =
                        functions.received("/low-battery").stream()
                                .filter(r -> !r.record().path("key").asText().equals("probe"))
                                .toList();
                Map<String, List<String>> perVehicle = new HashMap<>();
                for (FunctionEndpoint.Received r : received) {
                    JsonNode record = r.record();
                    String vehicle = record.path("key").asText();
                    perVehicle.computeIfAbsent(vehicle, v -> new ArrayList<>()).add(record.path("message-id").asText());
                    assertThat(record.path("topic").asText()).isEqualTo("vehicles/" + vehicle + "/battery");
                    assertThat(record.path("payload").path("vehicle").asText()).isEqualTo(vehicle);
                    assertThat(record.path("payload").path("soc").asDouble()).isLessThan(15);
                    assertThat(record.path("payload").has("lat")).isTrue();
                    assertThat(record.path("payload").has("lon")).isTrue();
                }
                // Exactly the matching reports, each vehicle's in publish order, none twice.
                assertThat(perVehicle).isEqualTo(expected);
                assertThat(expected.values().stream().mapToInt(List::size).sum() - vehicles.size()).isBetween(10, 40);
                if (failShare > 0) {
                    assertThat(functions.failed()).as("injected failures").isPositive();
                }
            }
        }
    }

    private static Set<String> receivedIds(FunctionEndpoint functions) {
        return functions.received("/low-battery").stream()
                .map(r -> r.record().path("message-id").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A battery report as a device publishes it: QoS 1, with a message-id user property. */
    private static void report(MqttTestPublisher publisher, String vehicle, double soc, String messageId) {
        String json = String.format(Locale.ROOT,
                "{\"vehicle\":\"%s\",\"soc\":%.1f,\"lat\":52.5,\"lon\":13.4,\"ts\":%d}", vehicle, soc, System.currentTimeMillis());
        publisher.publish("vehicles/" + vehicle + "/battery", json, 1,
                p -> p.userProperties().add("message-id", messageId).applyUserProperties());
    }
}
