package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.MqttTestPublisher;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code count} MQTT 5 connections (HiveMQ client, as the bridge uses) in one shared group, each
 * handing every QoS 1 message to {@code callback} — what a user writes by hand. Receive Maximum
 * 65,535, as the bridge's default, so both get the same window from the broker.
 */
final class SharedSubscribers implements AutoCloseable {

    private final List<Mqtt5AsyncClient> clients;

    private SharedSubscribers(List<Mqtt5AsyncClient> clients) {
        this.clients = clients;
    }

    /**
     * Connects and subscribes; with {@code manualAck} the callback acknowledges each message itself
     * ({@link Mqtt5Publish#acknowledge()}), otherwise the client acknowledges after the callback.
     */
    static SharedSubscribers connect(
            String serverUri, String group, String topicFilter, int count, boolean manualAck, Consumer<Mqtt5Publish> callback)
            throws Exception {
        List<Mqtt5AsyncClient> clients = new ArrayList<>();
        SharedSubscribers subscribers = new SharedSubscribers(clients);
        try {
            for (int i = 0; i < count; i++) {
                Mqtt5AsyncClient client = MqttTestPublisher.clientBuilder(serverUri, group + "-" + i).buildAsync();
                clients.add(client);
                client.connectWith().cleanStart(true).restrictions().receiveMaximum(65_535).applyRestrictions()
                        .send().get(60, TimeUnit.SECONDS);
                Mqtt5SubAck ack = client.subscribeWith()
                        .topicFilter("$share/" + group + "/" + topicFilter)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .callback(callback)
                        .manualAcknowledgement(manualAck)
                        .send()
                        .get(60, TimeUnit.SECONDS);
                Mqtt5SubAckReasonCode code = ack.getReasonCodes().get(0);
                if (code.isError()) {
                    throw new IllegalStateException("The broker at " + serverUri + " refused the shared subscription: " + code);
                }
            }
            return subscribers;
        } catch (Exception e) {
            subscribers.close();
            throw e;
        }
    }

    @Override
    public void close() {
        for (Mqtt5AsyncClient client : clients) {
            try {
                client.disconnect().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // best effort: the broker drops the connection with the run anyway
            }
        }
    }
}
