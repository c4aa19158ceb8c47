package io.mqttbridge.local;

import org.apache.flink.annotation.PublicEvolving;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Vehicles that report their battery state: QoS 1 JSON to {@code vehicles/<id>/battery}, e.g.
 * {@code {"vehicle":"v-017","soc":23.5,"lat":52.51,"lon":13.39,"ts":1764337200000}}, with MQTT 5
 * user properties {@code message-id} (unique per message), {@code client-id} (the vehicle's device
 * id, {@code sim-v-017}), {@code vehicle-type}, {@code timestamp} (epoch ms, equal to {@code ts})
 * and {@code seq} (per vehicle, from 1).
 *
 * <p>All vehicles share one MQTT connection, logged in as {@value #USERNAME} (no password: the
 * embedded broker authenticates nobody); the rate is for all of them together, in turn. The
 * charge drains a little with each report and jumps back up after a vehicle drops below 5 %, so
 * some vehicles are always low. That connection subscribes to {@code devices/+/commands} and
 * counts (and logs) the commands for vehicles.
 *
 * <p>Beside the vehicles, a few {@link ChargingStations} (one connection each, since a will is per
 * connection; their number does not grow with {@code --vehicles}) set a will and drop off now and
 * then.
 */
@PublicEvolving
public final class DeviceSimulator implements AutoCloseable {

    /** The MQTT user name of the simulator's connection. */
    public static final String USERNAME = "demo-fleet";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSimulator.class);
    private static final String[] TYPES = {"car", "van", "scooter", "truck"};
    private static final long TICK_MILLIS = 50;

    private final Mqtt5AsyncClient client;
    private final Vehicle[] vehicles;
    private final int ratePerSecond;
    private final ScheduledExecutorService ticker;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private ChargingStations stations;
    private long startNanos;
    private long sent;
    private int next;

    private DeviceSimulator(Mqtt5AsyncClient client, int vehicles, int ratePerSecond, long seed) {
        this.client = client;
        this.ratePerSecond = ratePerSecond;
        Random random = new Random(seed);
        this.vehicles = new Vehicle[vehicles];
        for (int i = 0; i < vehicles; i++) {
            this.vehicles[i] = new Vehicle(String.format(Locale.ROOT, "v-%03d", i + 1), TYPES[i % TYPES.length], random);
        }
        this.ticker =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "device-simulator");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Connects to {@code serverUri} (tcp:// or ssl://) and starts publishing, with the default charging stations. */
    public static DeviceSimulator start(URI serverUri, int vehicles, int ratePerSecond) throws Exception {
        return start(serverUri, vehicles, ratePerSecond, ChargingStations.DEFAULT_STATIONS, ChargingStations.DEFAULT_OUTAGE_INTERVAL);
    }

    /**
     * As {@link #start(URI, int, int)}, with {@code stations} charging stations (0: none) of which one
     * drops off every {@code outageInterval} (zero: never).
     */
    public static DeviceSimulator start(URI serverUri, int vehicles, int ratePerSecond, int stations, Duration outageInterval)
            throws Exception {
        if (vehicles < 1 || ratePerSecond < 1) {
            throw new IllegalArgumentException("vehicles and rate must be at least 1");
        }
        Mqtt5ClientBuilder builder =
                MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("device-simulator-" + UUID.randomUUID().toString().substring(0, 8))
                        .serverHost(serverUri.getHost())
                        .serverPort(port(serverUri))
                        .simpleAuth().username(USERNAME).applySimpleAuth()
                        .automaticReconnectWithDefaultConfig();
        if ("ssl".equals(serverUri.getScheme())) {
            builder = builder.sslWithDefaultConfig();
        }
        Mqtt5AsyncClient client = builder.buildAsync();
        try {
            client.connectWith().cleanStart(true).send().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Device simulator could not connect to " + serverUri + ": " + e.getMessage(), e);
        }
        DeviceSimulator simulator = new DeviceSimulator(client, vehicles, ratePerSecond, System.nanoTime());
        try {
            client.subscribeWith()
                    .topicFilter("devices/+/commands")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(simulator::command)
                    .send()
                    .get(30, TimeUnit.SECONDS);
            simulator.stations = ChargingStations.start(serverUri, stations, outageInterval);
        } catch (Exception e) {
            simulator.close();
            throw e;
        }
        simulator.startNanos = System.nanoTime();
        simulator.ticker.scheduleAtFixedRate(simulator::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("Device simulator: {} vehicles, {} messages/s to {}", vehicles, ratePerSecond, serverUri);
        return simulator;
    }

    /** Messages the broker acknowledged (PUBACK). */
    public long published() {
        return published.get();
    }

    /** Commands that reached a vehicle (devices/<vehicle>/commands). */
    public long commandsReceived() {
        return commands.get();
    }

    /** The charging stations. */
    public ChargingStations stations() {
        return stations;
    }

    /** The port of {@code serverUri}, else MQTT's default for its scheme. */
    static int port(URI serverUri) {
        return serverUri.getPort() > 0 ? serverUri.getPort() : "ssl".equals(serverUri.getScheme()) ? 8883 : 1883;
    }

    private void command(Mqtt5Publish publish) {
        // devices/+/commands also matches the stations' topics: they count their own.
        String device = publish.getTopic().getLevels().get(1);
        if (device.startsWith("v-")) {
            commands.incrementAndGet();
            LOG.info("Vehicle {} received a command: {}", device, new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Messages the broker refused or that could not be sent. */
    public long failed() {
        return failed.get();
    }

    private void tick() {
        try {
            long due = (System.nanoTime() - startNanos) * ratePerSecond / 1_000_000_000L;
            // After a stall (a reconnect), catch up by at most one second of messages.
            sent = Math.max(sent, due - ratePerSecond);
            while (sent < due) {
                publish(vehicles[next]);
                next = (next + 1) % vehicles.length;
                sent++;
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and carry on.
            LOG.warn("Device simulator could not publish: {}", e.toString());
        }
    }

    private void publish(Vehicle v) {
        long now = System.currentTimeMillis();
        v.advance();
        String json =
                String.format(
                        Locale.ROOT,
                        "{\"vehicle\":\"%s\",\"soc\":%.1f,\"lat\":%.5f,\"lon\":%.5f,\"ts\":%d}",
                        v.id, v.soc, v.lat, v.lon, now);
        client.publishWith()
                .topic("vehicles/" + v.id + "/battery")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(json.getBytes(StandardCharsets.UTF_8))
                .contentType("application/json")
                .userProperties(
                        Mqtt5UserProperties.builder()
                                .add("message-id", UUID.randomUUID().toString())
                                .add("client-id", "sim-" + v.id)
                                .add("vehicle-type", v.type)
                                .add("timestamp", Long.toString(now))
                                .add("seq", Long.toString(v.seq))
                                .build())
                .send()
                .whenComplete(
                        (result, error) -> {
                            if (error == null && result.getError().isEmpty()) {
                                published.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        });
    }

    @Override
    public void close() {
        if (stations != null) {
            stations.close();
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            client.disconnect().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Already disconnected: nothing left to release.
        }
    }

    /** One vehicle's state; touched only by the ticker thread. */
    private static final class Vehicle {
        final String id;
        final String type;
        final Random random;
        double soc;
        double lat;
        double lon;
        long seq;

        Vehicle(String id, String type, Random random) {
            this.id = id;
            this.type = type;
            this.random = random;
            this.soc = 5 + random.nextDouble() * 95;
            this.lat = 52.45 + random.nextDouble() * 0.15;
            this.lon = 13.30 + random.nextDouble() * 0.20;
        }

        void advance() {
            seq++;
            soc -= 0.2 + random.nextDouble() * 1.3;
            if (soc < 5) {
                soc = 80 + random.nextDouble() * 20;
            }
            lat += (random.nextDouble() - 0.5) * 0.002;
            lon += (random.nextDouble() - 0.5) * 0.002;
        }
    }
}
