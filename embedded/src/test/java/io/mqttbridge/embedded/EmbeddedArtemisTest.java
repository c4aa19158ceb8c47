package io.mqttbridge.embedded;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The MQTT 5 behaviours the source's tests rely on, against a real embedded Artemis. */
class EmbeddedArtemisTest {

    @TempDir Path folder;

    @Test
    void sharedSubscriptionSpreadsEveryMessageOnceOverItsMembers() throws Exception {
        try (EmbeddedArtemis broker = EmbeddedArtemis.start(FreePorts.pick(), folder)) {
            List<Mqtt5BlockingClient> members = new ArrayList<>();
            List<Mqtt5BlockingClient.Mqtt5Publishes> inboxes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Mqtt5BlockingClient member = MqttTestPublisher.clientBuilder(broker.serverUri(), "member-" + i).buildBlocking();
                member.connect();
                inboxes.add(member.publishes(MqttGlobalPublishFilter.ALL));
                member.subscribeWith().topicFilter("$share/g/spread/#").qos(MqttQos.AT_LEAST_ONCE).send();
                members.add(member);
            }
            try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri())) {
                publisher.publishNumbered("spread/a", 1, 200, n -> Long.toString(n));
            }
            Set<String> seen = new HashSet<>();
            int[] perMember = new int[2];
            for (int i = 0; i < 2; i++) {
                Optional<Mqtt5Publish> next;
                while ((next = inboxes.get(i).receive(2, TimeUnit.SECONDS)).isPresent()) {
                    assertThat(seen.add(text(next.get()))).as("delivered once: %s", text(next.get())).isTrue();
                    perMember[i]++;
                }
            }
            assertThat(seen).hasSize(200);
            assertThat(perMember).as("messages per member").doesNotContain(0);
            members.forEach(Mqtt5BlockingClient::disconnect);
        }
    }

    @Test
    void unacknowledgedMessageSurvivesABrokerRestartAndEveryRedelivery() throws Exception {
        int port = FreePorts.pick();
        try (EmbeddedArtemis broker = EmbeddedArtemis.start(port, folder)) {
            Mqtt5BlockingClient subscriber = persistentClient(broker);
            assertThat(connect(subscriber).isSessionPresent()).isFalse();
            subscriber.subscribeWith().topicFilter("$share/g/kept/#").qos(MqttQos.AT_LEAST_ONCE).send();
            subscriber.disconnect();
            try (MqttTestPublisher publisher = MqttTestPublisher.connect(broker.serverUri())) {
                publisher.publish("kept/a", "survives", 1);
            }
        }
        try (EmbeddedArtemis broker = EmbeddedArtemis.start(port, folder)) {
            // Each connection receives the message and drops it unacknowledged: one more delivery attempt.
            for (int attempt = 1; attempt <= EmbeddedArtemis.STOCK_MAX_DELIVERY_ATTEMPTS + 2; attempt++) {
                Mqtt5BlockingClient client = persistentClient(broker);
                try (Mqtt5BlockingClient.Mqtt5Publishes inbox = client.publishes(MqttGlobalPublishFilter.ALL, true)) {
                    Mqtt5ConnAck connAck = connect(client);
                    assertThat(connAck.isSessionPresent()).as("session present, attempt %d", attempt).isTrue();
                    Optional<Mqtt5Publish> received = inbox.receive(20, TimeUnit.SECONDS);
                    assertThat(received).as("delivery attempt %d", attempt).isPresent();
                    assertThat(text(received.get())).isEqualTo("survives");
                    if (attempt == EmbeddedArtemis.STOCK_MAX_DELIVERY_ATTEMPTS + 2) {
                        received.get().acknowledge();
                    }
                }
                client.disconnect();
            }
        }
    }

    private static Mqtt5BlockingClient persistentClient(EmbeddedArtemis broker) {
        return MqttTestPublisher.clientBuilder(broker.serverUri(), "kept-subscriber").buildBlocking();
    }

    /** Clean start off and a session that outlives the connection, as the source connects. */
    private static Mqtt5ConnAck connect(Mqtt5BlockingClient client) {
        return client.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}
