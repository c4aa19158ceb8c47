package io.mqttbridge.tests.security;

import io.mqttbridge.embedded.FunctionEndpoint;
import io.mqttbridge.embedded.MqttTestPublisher;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route MQTT -> http-function whose secrets all come from {@code ${env:...}}: the MQTT password,
 * the key store and trust store passwords of mutual TLS ({@link MutualTlsBroker}) and the
 * function's {@code Authorization} header. Each secret is a distinctive random value, so that a
 * search of the logs for it cannot match anything else; the checks here read logs for them and
 * prove that the route ran with them (the function received the header and the messages).
 */
public final class SecretRoute {

    public static final String TOPIC = "secure/device-1/data";
    public static final String FUNCTION_PATH = "/secure-fn";

    /** Environment variable -> its secret value. */
    public final Map<String, String> secrets = new LinkedHashMap<>();

    public SecretRoute() {
        for (String name : List.of("MQTT_PASSWORD", "TRUSTSTORE_PASSWORD", "KEYSTORE_PASSWORD", "FN_TOKEN")) {
            secrets.put(name, name.toLowerCase().replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 13));
        }
    }

    public String mqttPassword() {
        return secrets.get("MQTT_PASSWORD");
    }

    /** Starts Mosquitto with mutual TLS and the MQTT password, in {@code folder}. */
    public MutualTlsBroker startBroker(Path folder) throws IOException, InterruptedException {
        return MutualTlsBroker.start(folder, secrets.get("TRUSTSTORE_PASSWORD"), secrets.get("KEYSTORE_PASSWORD"), mqttPassword());
    }

    /** The environment of the process that runs the routes file: the secrets and the two addresses. */
    public Map<String, String> env(MutualTlsBroker broker, FunctionEndpoint function) {
        Map<String, String> env = new LinkedHashMap<>(secrets);
        env.put("MQTT_URI", broker.serverUri());
        env.put("FN_URL", function.url(FUNCTION_PATH));
        return env;
    }

    /**
     * Writes the routes file. {@code broken}: the mqtt table has a misspelt option beside the
     * secrets, so planning fails and the planner's message lists every option with its value.
     */
    public Path write(Path file, MutualTlsBroker broker, String clientIdPrefix, boolean broken) throws IOException {
        Files.writeString(file, String.join("\n",
                "-- MQTT (mutual TLS, password) -> http-function (bearer token); every secret from the environment.",
                "CREATE TABLE device_data (payload STRING) WITH (",
                "  'connector'               = 'mqtt',",
                "  'server-uri'              = '${env:MQTT_URI}',",
                "  '" + (broken ? "topic-filtr" : "topic-filter") + "' = '" + TOPIC + "',",
                "  'format'                  = 'raw',",
                "  'client-id-prefix'        = '" + clientIdPrefix + "',",
                "  'username'                = '" + MutualTlsBroker.USER + "',",
                "  'password'                = '${env:MQTT_PASSWORD}',",
                "  'tls.truststore'          = '" + broker.trustStore + "',",
                "  'tls.truststore-password' = '${env:TRUSTSTORE_PASSWORD}',",
                "  'tls.keystore'            = '" + broker.clientKeyStore + "',",
                "  'tls.keystore-password'   = '${env:KEYSTORE_PASSWORD}'",
                ");",
                "CREATE TABLE secure_fn (payload STRING) WITH (",
                "  'connector'             = 'http-function',",
                "  'url'                   = '${env:FN_URL}',",
                "  'headers.Authorization' = 'Bearer ${env:FN_TOKEN}'",
                ");",
                "INSERT INTO secure_fn SELECT payload FROM device_data;",
                ""), StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Publishes a warm-up message every 200 ms until the function receives one (the route has
     * subscribed), then {@code count} numbered messages; waits until the function received all of
     * them and checks the Authorization header of every request.
     */
    public void sendThrough(MutualTlsBroker broker, FunctionEndpoint function, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (MqttTestPublisher publisher = broker.publisher("secret-route-publisher", mqttPassword())) {
            while (payloads(function).isEmpty()) {
                assertThat(System.nanoTime()).as("a warm-up message at the function within %s", timeout).isLessThan(deadline);
                publisher.publish(TOPIC, "warm-up", 1);
                Thread.sleep(200);
            }
            publisher.publishNumbered(TOPIC, 1, count, n -> "m" + n);
            Set<String> expected = new HashSet<>();
            for (int n = 1; n <= count; n++) {
                expected.add("m" + n);
            }
            while (!payloads(function).containsAll(expected)) {
                assertThat(System.nanoTime()).as("%d messages at the function within %s; got %s", count, timeout, payloads(function))
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        List<FunctionEndpoint.Request> requests = function.delivered();
        assertThat(requests).isNotEmpty().allSatisfy(request -> {
            assertThat(request.path()).isEqualTo(FUNCTION_PATH);
            assertThat(request.headers().get("Authorization")).containsExactly("Bearer " + secrets.get("FN_TOKEN"));
        });
    }

    private static Set<String> payloads(FunctionEndpoint function) {
        Set<String> payloads = new HashSet<>();
        for (FunctionEndpoint.Received r : function.received(FUNCTION_PATH)) {
            JsonNode record = r.record().path("payload");
            payloads.add(record.path("payload").asText());
        }
        return payloads;
    }

    /** Every log and output file under {@code folder} (*.log, *.out, *.txt), at any depth. */
    public static List<Path> logFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".out") || p.toString().endsWith(".txt"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** Asserts that none of the secrets occurs in any of {@code files}; returns their text for further checks. */
    public String assertNoSecretIn(List<Path> files) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path file : files) {
            all.append(assertNoSecretIn(file.toString(), Files.readString(file, StandardCharsets.UTF_8))).append('\n');
        }
        return all.toString();
    }

    /** Asserts that none of the secrets occurs in {@code text} (read from {@code where}); returns the text. */
    public String assertNoSecretIn(String where, String text) {
        List<String> found = new ArrayList<>();
        secrets.forEach((name, value) -> {
            if (text.contains(value)) {
                found.add(name);
            }
        });
        assertThat(found).as("secret values (by variable) written to %s", where).isEmpty();
        return text;
    }
}
