package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MqttKafkaHeadersTest {

    static final MqttPropertyMetadata DEFAULT_PROPERTIES =
            new MqttPropertyMetadata("message-id", "timestamp", "client-id", "client-host", "username");

    /** The user properties of {@link #everyField()}: one of the device's own and one for each publisher field. */
    static Map<String, String> everyUserProperty() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("vehicle-type", "truck");
        props.put("message-id", "m-1");
        props.put("timestamp", "1700000000123");
        props.put("client-id", "dev-7");
        props.put("client-host", "10.1.2.3");
        props.put("username", "fleet");
        return props;
    }

    /** A message with every field set, correlation data {0, 0xff, 7}. */
    static MqttMessage everyField() {
        return MqttMessage.builder()
                .setTopic("vehicles/v-7/battery")
                .setPayload("{}".getBytes(StandardCharsets.UTF_8))
                .setQos(1)
                .setRetained(true)
                .setDup(false)
                .setPacketId(4711)
                .setUserProperties(everyUserProperty())
                .setContentType("application/json")
                .setResponseTopic("replies/v-7")
                .setCorrelationData(new byte[] {0, (byte) 0xff, 7})
                .setMessageExpirySeconds(3600L)
                .setReceivedAtMillis(1_800_000_000_000L)
                .build();
    }

    @Test
    void mapsEveryFieldToItsFixedHeaderAndEveryUserPropertyUnderItsName() {
        MqttMessage message = everyField();

        Map<String, String> headers = text(MqttKafkaHeaders.of(message, DEFAULT_PROPERTIES));

        Map<String, String> expected = everyUserProperty();
        expected.put("mqtt.topic", "vehicles/v-7/battery");
        expected.put("mqtt.qos", "1");
        expected.put("mqtt.retained", "true");
        expected.put("mqtt.dup", "false");
        expected.put("mqtt.packet-id", "4711");
        expected.put("mqtt.message-id", "m-1");
        expected.put("mqtt.timestamp", "1700000000123");
        expected.put("mqtt.client-id", "dev-7");
        expected.put("mqtt.client-host", "10.1.2.3");
        expected.put("mqtt.username", "fleet");
        expected.put("mqtt.content-type", "application/json");
        expected.put("mqtt.response-topic", "replies/v-7");
        expected.put("mqtt.message-expiry", "3600");
        expected.remove("mqtt.correlation-data");
        headers.remove("mqtt.correlation-data");
        assertThat(headers).containsExactlyEntriesOf(expected);
        assertThat(MqttKafkaHeaders.of(message, DEFAULT_PROPERTIES).get("mqtt.correlation-data"))
                .containsExactly(0, (byte) 0xff, 7);
    }

    @Test
    void leavesOutNullFieldsAndFallsBackToTheReceiveTime() {
        MqttMessage message =
                MqttMessage.builder()
                        .setTopic("t")
                        .setPayload(new byte[0])
                        .setQos(0)
                        .setReceivedAtMillis(1234L)
                        .build();

        assertThat(text(MqttKafkaHeaders.of(message, DEFAULT_PROPERTIES)))
                .containsExactly(
                        Map.entry("mqtt.topic", "t"),
                        Map.entry("mqtt.qos", "0"),
                        Map.entry("mqtt.retained", "false"),
                        Map.entry("mqtt.timestamp", "1234"));
    }

    @Test
    void userPropertyWithAFixedNameCannotFakeTheFixedHeader() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("mqtt.topic", "fake/topic");
        props.put("mqtt.message-id", "fake-id");
        props.put("mqtt.correlation-data", "fake");
        MqttMessage message = qos1("real/topic", props, 1L);

        Map<String, String> headers = text(MqttKafkaHeaders.of(message, DEFAULT_PROPERTIES));

        assertThat(headers).containsEntry("mqtt.topic", "real/topic");
        assertThat(headers).doesNotContainKeys("mqtt.message-id", "mqtt.correlation-data");
    }

    @Test
    void headerNamesFollowConfiguredPropertyNames() {
        MqttPropertyMetadata custom = new MqttPropertyMetadata("msg", "sent-at", "device", "ip", "user");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("msg", "abc");
        props.put("sent-at", "2026-01-31T12:00:00.5Z");
        props.put("message-id", "not-this-one");
        MqttMessage message = qos1("t", props, 1L);

        Map<String, String> headers = text(MqttKafkaHeaders.of(message, custom));

        assertThat(headers).containsEntry("mqtt.message-id", "abc");
        assertThat(headers).containsEntry("mqtt.timestamp", "1769860800500");
        assertThat(headers).doesNotContainKeys("mqtt.client-id", "mqtt.client-host", "mqtt.username");
    }

    @Test
    void unreadableTimestampPropertyFallsBackToTheReceiveTime() {
        MqttMessage message = qos1("t", Map.of("timestamp", "yesterday"), 99L);
        assertThat(DEFAULT_PROPERTIES.timestampMillis(message)).isEqualTo(99L);
    }

    /** A QoS 1 first delivery (packet id 1) with an empty payload. */
    private static MqttMessage qos1(String topic, Map<String, String> userProperties, long receivedAtMillis) {
        return MqttMessage.builder()
                .setTopic(topic)
                .setPayload(new byte[0])
                .setQos(1)
                .setDup(false)
                .setPacketId(1)
                .setUserProperties(userProperties)
                .setReceivedAtMillis(receivedAtMillis)
                .build();
    }

    static Map<String, String> text(Map<String, byte[]> headers) {
        Map<String, String> result = new LinkedHashMap<>();
        headers.forEach((k, v) -> result.put(k, new String(v, StandardCharsets.UTF_8)));
        return result;
    }
}
