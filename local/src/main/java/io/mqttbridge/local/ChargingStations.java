package io.mqttbridge.local;

import org.apache.flink.annotation.PublicEvolving;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * EV charging stations of the demo: each its own MQTT 5 connection (a will belongs to a
 * connection), client id {@code sim-station-cs-001}, user {@value DeviceSimulator#USERNAME}, with the
 * will {@code stations/<id>/will} (QoS 1, JSON {@code {"station":"cs-001","status":"offline",
 * "connected-at":<epoch ms>}}, user property {@code station-id}), subscribed to its command topic
 * {@code devices/<id>/commands}.
 *
 * <p>Every outage interval one station, in turn, "loses power": it ends its connection with the
 * MQTT 5 reason code Disconnect with Will Message (0x04), on which the broker publishes its will as
 * after an abrupt drop, and comes back a few seconds later with a new will.
 */
@PublicEvolving
public final class ChargingStations implements AutoCloseable {

    /** Station connections of the demo: few, whatever the number of vehicles (one connection each). */
    public static final int DEFAULT_STATIONS = 3;
    /** Time between two outages of the demo. */
    public static final Duration DEFAULT_OUTAGE_INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ChargingStations.class);
    private static final Duration BACK_AFTER = Duration.ofSeconds(5);
    private static final long CONNECT_TIMEOUT_SECONDS = 30;

    private final URI serverUri;
    private final List<Station> stations = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private int nextOutage;

    private ChargingStations(URI serverUri) {
        this.serverUri = serverUri;
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "charging-stations");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** The id of station {@code n} (from 1): {@code cs-001}. */
    public static String stationId(int n) {
        return String.format(Locale.ROOT, "cs-%03d", n);
    }

    /**
     * Connects {@code count} stations to {@code serverUri} and, with a positive {@code outageInterval},
     * starts their outages.
     */
    public static ChargingStations start(URI serverUri, int count, Duration outageInterval) throws Exception {
        ChargingStations s = new ChargingStations(serverUri);
        try {
            for (int i = 1; i <= count; i++) {
                Station station = s.new Station(stationId(i));
                station.connect();
                s.stations.add(station);
            }
        } catch (Exception e) {
            s.close();
            throw e;
        }
        if (!outageInterval.isZero() && !outageInterval.isNegative() && count > 0) {
            long every = outageInterval.toMillis();
            s.scheduler.scheduleWithFixedDelay(s::outage, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("Charging stations: {} with wills on stations/<id>/will, commands on devices/<id>/commands", count);
        return s;
    }

    /** Commands the stations received on their command topics. */
    public long commandsReceived() {
        return commands.get();
    }

    /** Outages so far (each makes the broker publish one will). */
    public long outages() {
        return outages.get();
    }

    private void outage() {
        Station station = stations.get(nextOutage);
        nextOutage = (nextOutage + 1) % stations.size();
        try {
            station.loseConnection();
            outages.incrementAndGet();
            scheduler.schedule(station::reconnect, BACK_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and carry on.
            LOG.warn("Charging station {} could not drop off: {}", station.id, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        for (Station station : stations) {
            station.close();
        }
    }

    /** One station's connection. */
    private final class Station {
        final String id;
        private volatile Mqtt5AsyncClient client;

        Station(String id) {
            this.id = id;
        }

        void connect() throws Exception {
            Mqtt5ClientBuilder builder =
                    MqttClient.builder()
                            .useMqttVersion5()
                            .identifier("sim-station-" + id)
                            .serverHost(serverUri.getHost())
                            .serverPort(DeviceSimulator.port(serverUri))
                            .simpleAuth().username(DeviceSimulator.USERNAME).applySimpleAuth();
            if ("ssl".equals(serverUri.getScheme())) {
                builder = builder.sslWithDefaultConfig();
            }
            Mqtt5AsyncClient c = builder.buildAsync();
            String will =
                    String.format(Locale.ROOT, "{\"station\":\"%s\",\"status\":\"offline\",\"connected-at\":%d}",
                            id, System.currentTimeMillis());
            try {
                c.connectWith()
                        .cleanStart(true)
                        .willPublish()
                        .topic("stations/" + id + "/will")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(will.getBytes(StandardCharsets.UTF_8))
                        .contentType("application/json")
                        .userProperties().add("station-id", id).applyUserProperties()
                        .applyWillPublish()
                        .send()
                        .get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                c.subscribeWith()
                        .topicFilter("devices/" + id + "/commands")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> {
                            commands.incrementAndGet();
                            LOG.info("Charging station {} received a command: {}",
                                    id, new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
                        })
                        .send()
                        .get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                c.disconnect();
                throw new IllegalStateException(
                        "Charging station " + id + " could not connect to " + serverUri + ": " + e.getMessage(), e);
            }
            client = c;
        }

        /** Ends the connection so that the broker publishes the will, as after a power cut. */
        void loseConnection() {
            Mqtt5AsyncClient c = client;
            client = null;
            if (c != null) {
                LOG.info("Charging station {} drops off: the broker publishes its will", id);
                c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
            }
        }

        void reconnect() {
            try {
                connect();
                LOG.info("Charging station {} is back", id);
            } catch (Exception e) {
                LOG.warn("Charging station {} stays offline: {}", id, e.getMessage());
            }
        }

        void close() {
            Mqtt5AsyncClient c = client;
            client = null;
            if (c != null) {
                try {
                    // A normal DISCONNECT: stopping the demo is no outage, the broker discards the will.
                    c.disconnect().get(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    // Already disconnected: nothing left to release.
                }
            }
        }
    }
}
