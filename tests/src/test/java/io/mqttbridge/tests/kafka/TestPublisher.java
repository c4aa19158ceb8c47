package io.mqttbridge.tests.kafka;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** An MQTT 5 publisher on the HiveMQ client, as a device would publish. */
final class TestPublisher implements AutoCloseable {

    private final Mqtt5BlockingClient client;

    TestPublisher(String serverUri) {
        URI uri = URI.create(serverUri);
        client =
                MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("test-publisher-" + UUID.randomUUID())
                        .serverHost(uri.getHost())
                        .serverPort(uri.getPort())
                        .buildBlocking();
        client.connect();
    }

    /** Publishes and, for QoS 1/2, waits for the broker's acknowledgement. */
    void publish(String topic, String payload, int qos, UnaryOperator<Mqtt5PublishBuilder.Complete> extra) {
        Mqtt5PublishBuilder.Complete publish =
                Mqtt5Publish.builder()
                        .topic(topic)
                        .qos(MqttQos.fromCode(qos))
                        .payload(payload.getBytes(StandardCharsets.UTF_8));
        client.publish(extra.apply(publish).build());
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
