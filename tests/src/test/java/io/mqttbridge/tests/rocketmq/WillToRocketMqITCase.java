package io.mqttbridge.tests.rocketmq;

import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.embedded.TcpFaultProxy;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sql/will-to-rocketmq.sql} end to end, the canonical case: a charging station
 * connects with a will through a TCP proxy, the proxy cuts its connection (the socket closes, no
 * DISCONNECT), HiveMQ CE publishes the will, and the route delivers it to the RocketMQ topic
 * {@code station-wills}, read back by a RocketMQ consumer: station id from the MQTT topic in the body,
 * the keys and a property; the MQTT fields and the will's own user properties as RocketMQ properties.
 */
class WillToRocketMqITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theWillOfAStationCutOffAbruptlyArrivesInRocketMqWithItsStationId(@TempDir Path tmp) throws Exception {
        try (TestBroker broker = TestBroker.start(TestBroker.Kind.HIVEMQ, tmp.resolve("mqtt"));
                EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(tmp.resolve("rocketmq"), 0, false);
                TcpFaultProxy link = TcpFaultProxy.start(broker.port())) {
            rocketMq.createTopic("station-wills", 2);
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "ROCKETMQ_NAMESRV", rocketMq.nameServer());
            try (RouteJob job = RouteJob.submit(RepositoryRoot.resolve("sql/will-to-rocketmq.sql"), env, new Configuration());
                    MqttTestPublisher probe = MqttTestPublisher.connect(broker.serverUri(), "probe")) {
                // Probes on a will topic until one is in RocketMQ: the route's subscription exists.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (rocketMq.messageCount("station-wills") == 0) {
                    assertThat(System.nanoTime()).as("a probe through the route within 90 s").isLessThan(deadline);
                    job.assertRunning();
                    probe.publish("stations/probe/will", "{\"status\":\"probe\"}", 1);
                    Thread.sleep(500);
                }

                Mqtt5BlockingClient station = MqttTestPublisher.clientBuilder(link.serverUri(), "station-cs-042").buildBlocking();
                station.connectWith()
                        .cleanStart(true)
                        .willPublish()
                        .topic("stations/cs-042/will")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"station\":\"cs-042\",\"status\":\"offline\",\"connected-at\":1764337200000}"
                                .getBytes(StandardCharsets.UTF_8))
                        .userProperties().add("firmware", "4.2.1").applyUserProperties()
                        .applyWillPublish()
                        .send();
                // The link dies: both sockets close, the station never sends DISCONNECT.
                assertThat(link.cutAll()).isEqualTo(1);

                List<MessageExt> read = RocketMqClients.readUntil(rocketMq.nameServer(), "station-wills",
                        messages -> messages.stream().anyMatch(m -> "cs-042".equals(m.getKeys())),
                        Duration.ofSeconds(90), "the will of cs-042", job::assertRunning);
                List<MessageExt> wills = read.stream().filter(m -> "cs-042".equals(m.getKeys())).toList();
                assertThat(wills).hasSize(1);
                MessageExt will = wills.get(0);
                JsonNode body = JSON.readTree(will.getBody());
                assertThat(body.path("station").asText()).isEqualTo("cs-042");
                assertThat(body.path("status").asText()).isEqualTo("offline");
                assertThat(body.path("connected_at").asLong()).isEqualTo(1764337200000L);
                assertThat(body.path("mqtt_topic").asText()).isEqualTo("stations/cs-042/will");
                assertThat(will.getTopic()).isEqualTo("station-wills");
                assertThat(will.getTags()).isEqualTo("will");
                assertThat(will.getUserProperty("station-id")).isEqualTo("cs-042");
                // The MQTT fields of the will as RocketMQ user properties (docs/connectors/mqtt.md) ...
                assertThat(will.getUserProperty("mqtt.topic")).isEqualTo("stations/cs-042/will");
                assertThat(will.getUserProperty("mqtt.qos")).isEqualTo("1");
                assertThat(will.getUserProperty("mqtt.retained")).isEqualTo("false");
                // ... and the user property the station set on its will.
                assertThat(will.getUserProperty("firmware")).isEqualTo("4.2.1");
                job.assertRunning();
            }
        }
    }
}
