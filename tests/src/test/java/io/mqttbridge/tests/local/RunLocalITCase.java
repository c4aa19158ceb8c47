package io.mqttbridge.tests.local;

import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.tests.support.TopicWatcher;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.tests.rocketmq.RocketMqClients;
import io.mqttbridge.local.DeviceSimulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code ./run-local} as a user runs it: a separate process on free ports, the demo routes and the
 * device simulator. Checks the READY line, the records in the demo's Kafka topics, and that
 * SIGTERM stops everything with exit code 0.
 */
class RunLocalITCase {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration RECORDS_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern VEHICLE = Pattern.compile("v-\\d{3}");
    private static final Set<String> TYPES = Set.of("car", "van", "scooter", "truck");

    @TempDir Path dataDir;

    private Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private Path stderr;
    private Thread stdoutReader;

    @AfterEach
    void killLeftovers() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void demoRoutesDeliverSimulatorDataToKafkaAndSigtermStopsCleanly() throws Exception {
        int mqtt = FreePorts.pick();
        int kafka = FreePorts.pick();
        int ui = FreePorts.pick();
        int functions = FreePorts.pick();
        int rocketMq = FreePorts.pick();
        start("--mqtt-port", mqtt, "--kafka-port", kafka, "--flink-ui-port", ui, "--function-port", functions,
                "--rocketmq-port", rocketMq,
                "--data-dir", dataDir.resolve("stack"), "--summary-interval", 1, "--rate", 50, "--vehicles", 10);

        String ready = awaitLine("READY", READY_TIMEOUT);
        String expected =
                "READY mqtt=tcp://127.0.0.1:" + mqtt + " kafka=127.0.0.1:" + kafka
                        + " flink-ui=http://127.0.0.1:" + ui;
        // Later issues may append more key=value pairs; these three come first, exactly so.
        assertThat(ready).startsWith(expected);
        assertThat(ready.substring(expected.length())).matches("( [a-z][a-z0-9-]*=\\S+)*");
        assertThat(ready).contains(" functions=http://127.0.0.1:" + functions);
        // appended after the fields before it, which keep their order
        assertThat(ready).endsWith(" functions=http://127.0.0.1:" + functions + " rocketmq=127.0.0.1:" + rocketMq);

        // The web UI's REST API answers and runs the demo job.
        String jobs = httpGet("http://127.0.0.1:" + ui + "/jobs/overview");
        assertThat(jobs).contains("\"name\":\"demo\"").contains("\"state\":\"RUNNING\"");

        List<ConsumerRecord<String, String>> all = consume("127.0.0.1:" + kafka, "vehicle-battery", 30);
        ObjectMapper json = new ObjectMapper();
        Set<String> messageIds = new HashSet<>();
        for (ConsumerRecord<String, String> r : all) {
            JsonNode value = json.readTree(r.value());
            String vehicle = value.path("vehicle").asText();
            assertThat(vehicle).matches(VEHICLE);
            assertThat(r.key()).isEqualTo(vehicle);
            assertThat(value.path("soc").asDouble()).isBetween(0.0, 100.0);
            assertThat(value.path("lat").asDouble()).isBetween(52.0, 53.0);
            assertThat(value.path("lon").asDouble()).isBetween(13.0, 14.0);
            assertThat(value.path("ts").asLong()).isPositive();
            Map<String, String> headers = headers(r);
            // User properties travel as headers, one per property.
            assertThat(headers).containsEntry("client-id", "sim-" + vehicle);
            assertThat(headers).containsEntry("timestamp", value.path("ts").asText());
            assertThat(headers.get("vehicle-type")).isIn(TYPES);
            assertThat(headers.get("message-id")).isNotBlank();
            // ... and the nine MQTT system fields as the fixed mqtt.* headers; the broker stamped the
            // publisher's host and user name, and kept what the simulator set itself.
            assertThat(headers).containsEntry("mqtt.topic", "vehicles/" + vehicle + "/battery");
            assertThat(Integer.parseInt(headers.get("mqtt.packet-id"))).isBetween(1, 65_535);
            assertThat(headers.get("mqtt.dup")).isIn("true", "false");
            assertThat(headers).containsEntry("mqtt.qos", "1");
            assertThat(headers).containsEntry("mqtt.retained", "false");
            assertThat(headers).containsEntry("mqtt.message-id", headers.get("message-id"));
            assertThat(headers).containsEntry("mqtt.timestamp", value.path("ts").asText());
            assertThat(headers).containsEntry("mqtt.client-id", "sim-" + vehicle);
            assertThat(headers).containsEntry("mqtt.client-host", "127.0.0.1");
            assertThat(headers).containsEntry("mqtt.username", DeviceSimulator.USERNAME);
            messageIds.add(headers.get("message-id"));
        }
        // The simulator's message ids are unique; at-least-once may repeat a record, but not many.
        assertThat(messageIds).hasSizeGreaterThan(all.size() * 9 / 10);

        List<ConsumerRecord<String, String>> low = consume("127.0.0.1:" + kafka, "vehicle-low-battery", 3);
        for (ConsumerRecord<String, String> r : low) {
            JsonNode value = json.readTree(r.value());
            String vehicle = value.path("vehicle").asText();
            assertThat(value.path("soc").asDouble()).isLessThan(20.0);
            assertThat(value.path("vehicle_type").asText()).isIn(TYPES);
            assertThat(value.path("mqtt_topic").asText()).isEqualTo("vehicles/" + vehicle + "/battery");
            assertThat(r.key()).isEqualTo(vehicle);
        }

        // The demo's RocketMQ routes. A command sent to device-commands reaches the vehicle's MQTT topic ...
        String nameServer = "127.0.0.1:" + rocketMq;
        try (TopicWatcher watcher = TopicWatcher.subscribe("tcp://127.0.0.1:" + mqtt, "e2e-command-watcher", "devices/v-003/commands")) {
            String msgId = RocketMqClients.send(nameServer, "device-commands", null,
                    "{\"device\":\"v-003\",\"command\":\"unlock\",\"request_id\":\"r-1\"}", Map.of());
            Optional<Mqtt5Publish> command = watcher.receive(Duration.ofSeconds(90));
            assertThat(command).as("the command on devices/v-003/commands; stdout:%n%s", String.join("\n", stdout)).isPresent();
            assertThat(command.get().getTopic().toString()).isEqualTo("devices/v-003/commands");
            JsonNode body = json.readTree(new String(command.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            assertThat(body.path("command").asText()).isEqualTo("unlock");
            assertThat(TopicWatcher.userProperties(command.get())).containsEntry("request-id", "r-1").containsEntry("rocketmq-msg-id", msgId);
        }
        // ... and the will of a charging station (one drops off every 30 s) arrives in station-wills.
        List<MessageExt> wills = RocketMqClients.readUntil(nameServer, "station-wills", l -> !l.isEmpty(),
                Duration.ofSeconds(90), "a charging station's will", () -> assertThat(process.isAlive()).isTrue());
        MessageExt will = wills.get(0);
        JsonNode willBody = json.readTree(RocketMqClients.body(will));
        String station = willBody.path("station").asText();
        assertThat(station).matches("cs-\\d{3}");
        assertThat(willBody.path("status").asText()).isEqualTo("offline");
        assertThat(will.getTags()).isEqualTo("will");
        assertThat(will.getKeys()).isEqualTo(station);
        assertThat(will.getUserProperty("station-id")).isEqualTo(station);
        assertThat(will.getUserProperty("mqtt.topic")).isEqualTo("stations/" + station + "/will");

        // Summaries report what the simulator published, what the source received and what the
        // routes wrote; by now every one of them has counted records.
        Pattern format =
                Pattern.compile("SUMMARY \\d\\d:\\d\\d:\\d\\d published=(\\d+) job=RUNNING received=(\\d+) "
                        + "sink.vehicle_battery=(\\d+) sink.vehicle_low_battery=(\\d+) sink.low_battery_function=(\\d+)"
                        + routeMetrics("low_battery_function") + " "
                        // the demo's RocketMQ routes (wills, commands): counted once they have rows
                        + "sink.station_wills=\\d+" + routeMetrics("station_wills")
                        + " sink.device_commands_mqtt=\\d+" + routeMetrics("device_commands_mqtt") + " "
                        + "kafka.vehicle-battery=(\\d+) kafka.vehicle-low-battery=(\\d+) "
                        + "functions.invocations=(\\d+) functions.records=(\\d+)( functions.failed=\\d+)?");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean counted = false;
        boolean latency = false;
        while (!(counted && latency) && System.nanoTime() < deadline) {
            for (String line : stdout) {
                // "job=? (reason)" while the REST API has not answered yet; else the full format.
                if (line.startsWith("SUMMARY") && !line.contains(" job=? ")) {
                    Matcher m = format.matcher(line);
                    assertThat(m.matches()).as("summary format: %s", line).isTrue();
                    counted |= java.util.stream.IntStream.rangeClosed(1, 9).allMatch(i -> Long.parseLong(m.group(i)) > 0);
                    // The function route's synchronisation latency, once its first batch is acknowledged.
                    latency |= line.contains(" sink.low_battery_function.latency-ms=");
                }
            }
            Thread.sleep(500);
        }
        assertThat(counted).as("a SUMMARY with every counter > 0; stdout:%n%s", String.join("\n", stdout)).isTrue();
        assertThat(latency).as("a SUMMARY with the function route's latency-ms; stdout:%n%s", String.join("\n", stdout)).isTrue();

        // SIGTERM through the handle: Process#destroy would also close our end of its stdout.
        assertThat(process.toHandle().destroy()).isTrue();
        assertThat(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("run-local stops within %s after SIGTERM", STOP_TIMEOUT)
                .isTrue();
        assertThat(process.exitValue()).as("exit code; stderr:%n%s", stderrText()).isZero();
        stdoutReader.join(TimeUnit.SECONDS.toMillis(10)); // the last lines may still be in the pipe
        assertThat(stdout).contains("Stopped.");
    }

    @Test
    void badOptionPrintsUsageAndExits2() throws Exception {
        start("--no-such-option");
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderrText()).contains("unknown option '--no-such-option'").contains("Usage: ./run-local");
    }

    // ---------------------------------------------------------------------------------------

    private void start(Object... args) throws IOException {
        Path root = repositoryRoot();
        List<String> command = new ArrayList<>();
        command.add(root.resolve("run-local").toString());
        for (Object a : args) {
            command.add(String.valueOf(a));
        }
        stderr = dataDir.resolve("stderr.txt");
        process =
                new ProcessBuilder(command)
                        .directory(dataDir.toFile())
                        .redirectError(stderr.toFile())
                        .start();
        stdoutReader =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                                for (String line; (line = in.readLine()) != null; ) {
                                    stdout.add(line);
                                }
                            } catch (IOException ignored) {
                                // the process ended
                            }
                        },
                        "run-local-stdout");
        stdoutReader.setDaemon(true);
        stdoutReader.start();
    }

    private String awaitLine(String prefix, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : stdout) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                fail("run-local exited with %d before printing %s; stdout:%n%s%nstderr:%n%s",
                        process.exitValue(), prefix, String.join("\n", stdout), stderrText());
            }
            Thread.sleep(200);
        }
        return fail("no %s line within %s; stdout:%n%s%nstderr:%n%s", prefix, timeout, String.join("\n", stdout), stderrText());
    }

    private List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "run-local-it-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + RECORDS_TIMEOUT.toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        assertThat(records)
                .as("records in %s within %s; stdout:%n%s", topic, RECORDS_TIMEOUT, String.join("\n", stdout))
                .hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }

    private static Map<String, String> headers(ConsumerRecord<String, String> r) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static String httpGet(String url) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        return response.body();
    }

    private String stderrText() {
        try {
            return stderr != null && Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    /** The folder with run-local: the tests module runs in tests/, the script is one level up. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("run-local"))) {
                return p;
            }
        }
        throw new IllegalStateException("run-local not found above " + Path.of("").toAbsolutePath());
    }

    /** The optional route metrics a sink of ours adds after its count in SUMMARY (docs/local-stack.md). */
    private static String routeMetrics(String table) {
        return "(?: sink\\." + table + "\\.failed=\\d+)?(?: sink\\." + table + "\\.latency-ms=\\d+)?";
    }
}
