package io.mqttbridge.tests.source;

import io.mqttbridge.mqtt.HiveMqPublishDetails;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.tests.support.TestBrokers;
import io.mqttbridge.embedded.MqttTestPublisher;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Pins the one reflective access into hivemq-mqtt-client: packet id present for QoS 1, DUP false on
 * first delivery and true on the redelivery after a reconnect with the same session (same packet id).
 */
class HiveMqPublishDetailsITCase {

    @RegisterExtension static final TestBrokers BROKERS = new TestBrokers();

    static Stream<Arguments> brokersAndVersions() {
        List<Arguments> result = new ArrayList<>();
        for (TestBroker.Kind kind : TestBroker.Kind.values()) {
            result.add(Arguments.of(kind, 5));
            result.add(Arguments.of(kind, 3));
        }
        return result.stream();
    }

    /** A subscriber that never acknowledges; records what HiveMqPublishDetails reads from each publish. */
    private static final class Subscriber {
        final Queue<HiveMqPublishDetails.Details> qos1 = new ConcurrentLinkedQueue<>();
        final Queue<Object> qos0 = new ConcurrentLinkedQueue<>();
        final Runnable disconnect;

        Subscriber(TestBroker broker, int version, String clientId, String filter, boolean cleanStart) throws Exception {
            int port = java.net.URI.create(broker.serverUri()).getPort();
            if (version == 5) {
                Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                        .serverHost("127.0.0.1").serverPort(port).buildAsync();
                client.publishes(MqttGlobalPublishFilter.ALL, p -> record(p, p.getQos()), true);
                client.connectWith().cleanStart(cleanStart).sessionExpiryInterval(300).send().get(30, TimeUnit.SECONDS);
                client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().get(30, TimeUnit.SECONDS);
                disconnect = () -> client.disconnect().join();
            } else {
                Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier(clientId)
                        .serverHost("127.0.0.1").serverPort(port).buildAsync();
                client.publishes(MqttGlobalPublishFilter.ALL, p -> record(p, p.getQos()), true);
                client.connectWith().cleanSession(false).send() // 3.1.1: a clean session would end with the connection
                       .get(30, TimeUnit.SECONDS);
                client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().get(30, TimeUnit.SECONDS);
                disconnect = () -> client.disconnect().join();
            }
        }

        private void record(Object publish, MqttQos qos) {
            HiveMqPublishDetails.Details details = HiveMqPublishDetails.of(publish);
            if (qos == MqttQos.AT_MOST_ONCE) {
                qos0.add(details == null ? "null" : details);
            } else {
                qos1.add(details);
            }
        }
    }

    @ParameterizedTest(name = "{0} MQTT {1}")
    @MethodSource("brokersAndVersions")
    void readsPacketIdAndDupIncludingTheRedelivery(TestBroker.Kind kind, int version) throws Exception {
        TestBroker broker = BROKERS.get(kind);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String clientId = "details-" + version + "-" + run;
        String filter = "pd/" + run + "/#";

        // Session first, messages while it is offline: HiveMQ CE sends a connection with unacknowledged
        // messages nothing new until they are acknowledged, but hands over a backlog on connect.
        new Subscriber(broker, version, clientId, filter, true).disconnect.run();
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri(), "pub-" + clientId)) {
            for (int i = 0; i < 3; i++) {
                publisher.publish("pd/" + run + "/q1", "m" + i, 1);
            }
        }
        Subscriber first = new Subscriber(broker, version, clientId, filter, false);
        SourceTestSupport.await("3 QoS 1 messages", Duration.ofSeconds(30), () -> first.qos1.size() >= 3);
        List<Integer> firstIds = new ArrayList<>();
        for (HiveMqPublishDetails.Details d : first.qos1) {
            assertThat(d).as("details of a QoS 1 publish").isNotNull();
            assertThat(d.packetId).isBetween(1, 65_535);
            assertThat(d.dup).isFalse();
            firstIds.add(d.packetId);
        }
        assertThat(firstIds).doesNotHaveDuplicates();
        first.disconnect.run();

        // Same client id, session resumed: the unacknowledged messages come again, DUP set, same packet ids.
        Subscriber second = new Subscriber(broker, version, clientId, filter, false);
        SourceTestSupport.await("3 redelivered messages", Duration.ofSeconds(30), () -> second.qos1.size() >= 3);
        if (kind == TestBroker.Kind.ARTEMIS) {
            second.disconnect.run();
        }
        assumeThat(kind)
                .as("Artemis resends unacknowledged messages as new PUBLISHes (new packet ids, DUP not set),"
                        + " see docs/brokers.md; the redelivery itself was checked above")
                .isNotEqualTo(TestBroker.Kind.ARTEMIS);
        List<Integer> secondIds = new ArrayList<>();
        for (HiveMqPublishDetails.Details d : second.qos1) {
            assertThat(d).isNotNull();
            assertThat(d.dup).as("DUP on redelivery").isTrue();
            secondIds.add(d.packetId);
        }
        assertThat(secondIds).containsExactlyElementsOf(firstIds);
        second.disconnect.run();
    }
}
