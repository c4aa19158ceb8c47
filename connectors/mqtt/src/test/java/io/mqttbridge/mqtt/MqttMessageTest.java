package io.mqttbridge.mqtt;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttMessageTest {

    @Test
    void builderCopiesTheUserPropertiesAndHandsOutAnUnmodifiableView() {
        Map<String, String> properties = new LinkedHashMap<>(Map.of("a", "1"));
        MqttMessage message = MqttMessage.builder().setTopic("t").setPayload(new byte[0]).setUserProperties(properties).build();
        properties.put("b", "2");
        assertThat(message.userProperties()).containsExactly(Map.entry("a", "1"));
        assertThatThrownBy(() -> message.userProperties().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void adoptedUserPropertiesAreTheCallersMapInArrivalOrderBehindAnUnmodifiableView() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("z", "1");
        properties.put("a", "2");
        MqttMessage message = MqttMessage.builder().setTopic("t").setPayload(new byte[0]).adoptUserProperties(properties).build();
        // not copied: the adapter hands the map over and never touches it again
        properties.put("late", "3");
        assertThat(message.userProperties()).containsExactly(Map.entry("z", "1"), Map.entry("a", "2"), Map.entry("late", "3"));
        assertThatThrownBy(() -> message.userProperties().remove("z")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void payloadIsTakenWithoutACopy() {
        byte[] payload = {1, 2};
        assertThat(MqttMessage.builder().setTopic("t").setPayload(payload).build().payload()).isSameAs(payload);
    }

    @Test
    void unsetFieldsHaveTheDocumentedDefaults() {
        long before = System.currentTimeMillis();
        MqttMessage message = MqttMessage.builder().setTopic("t").setPayload(new byte[] {7}).build();
        assertThat(message.qos()).isZero();
        assertThat(message.retained()).isFalse();
        assertThat(message.dup()).isNull();
        assertThat(message.packetId()).isNull();
        assertThat(message.userProperties()).isEmpty();
        assertThat(message.contentType()).isNull();
        assertThat(message.responseTopic()).isNull();
        assertThat(message.correlationData()).isNull();
        assertThat(message.messageExpirySeconds()).isNull();
        assertThat(message.receivedAtMillis()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void everyFieldSetIsKept() {
        MqttMessage message = MqttMessage.builder()
                .setTopic("a/b")
                .setPayload(new byte[] {1})
                .setQos(2)
                .setRetained(true)
                .setDup(true)
                .setPacketId(12)
                .setUserProperties(Map.of("k", "v"))
                .setContentType("text/plain")
                .setResponseTopic("r")
                .setCorrelationData(new byte[] {9})
                .setMessageExpirySeconds(60L)
                .setReceivedAtMillis(5L)
                .build();
        assertThat(message.topic()).isEqualTo("a/b");
        assertThat(message.qos()).isEqualTo(2);
        assertThat(message.retained()).isTrue();
        assertThat(message.dup()).isTrue();
        assertThat(message.packetId()).isEqualTo(12);
        assertThat(message.userProperties()).containsExactly(Map.entry("k", "v"));
        assertThat(message.contentType()).isEqualTo("text/plain");
        assertThat(message.responseTopic()).isEqualTo("r");
        assertThat(message.correlationData()).containsExactly(9);
        assertThat(message.messageExpirySeconds()).isEqualTo(60L);
        assertThat(message.receivedAtMillis()).isEqualTo(5L);
        assertThat(message.describe()).isEqualTo("topic 'a/b' packet id 12");
    }

    @Test
    void topicAndPayloadAreRequired() {
        assertThatThrownBy(() -> MqttMessage.builder().setPayload(new byte[0]).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("topic");
        assertThatThrownBy(() -> MqttMessage.builder().setTopic("t").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("payload");
    }
}
