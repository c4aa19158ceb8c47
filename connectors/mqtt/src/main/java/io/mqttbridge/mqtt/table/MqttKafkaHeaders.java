package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Kafka headers of an MQTT message (metadata column {@code headers}, MAP&lt;STRING, BYTES&gt;), so
 * that {@code INSERT INTO kafka_t SELECT k, payload, headers FROM mqtt_t} carries every MQTT field.
 *
 * <p>One header per user property under the property's own name (a repeated key keeps its last
 * value), then the fixed {@code mqtt.*} headers below. Values are UTF-8 text, numbers in decimal,
 * booleans {@code true}/{@code false}, the timestamp in epoch milliseconds; correlation data is
 * copied as raw bytes. A field that is null is left out. A user property that has one of the
 * fixed names is left out too, so a publisher cannot fake the topic, QoS or message id.
 */
@PublicEvolving
public final class MqttKafkaHeaders {

    public static final String TOPIC = "mqtt.topic";
    public static final String QOS = "mqtt.qos";
    public static final String RETAINED = "mqtt.retained";
    public static final String DUP = "mqtt.dup";
    public static final String PACKET_ID = "mqtt.packet-id";
    public static final String MESSAGE_ID = "mqtt.message-id";
    public static final String TIMESTAMP = "mqtt.timestamp";
    public static final String CLIENT_ID = "mqtt.client-id";
    public static final String CLIENT_HOST = "mqtt.client-host";
    public static final String USERNAME = "mqtt.username";
    public static final String CONTENT_TYPE = "mqtt.content-type";
    public static final String RESPONSE_TOPIC = "mqtt.response-topic";
    public static final String CORRELATION_DATA = "mqtt.correlation-data";
    public static final String MESSAGE_EXPIRY = "mqtt.message-expiry";

    /** Every fixed header name, in the order the headers are written. */
    public static final Set<String> FIXED_NAMES =
            Collections.unmodifiableSet(
                    new LinkedHashSet<>(
                            Arrays.asList(
                                    TOPIC, QOS, RETAINED, DUP, PACKET_ID, MESSAGE_ID, TIMESTAMP,
                                    CLIENT_ID, CLIENT_HOST, USERNAME, CONTENT_TYPE, RESPONSE_TOPIC,
                                    CORRELATION_DATA, MESSAGE_EXPIRY)));

    private MqttKafkaHeaders() {}

    /** Header name to value, in a stable order: user properties first, then the fixed headers. */
    public static Map<String, byte[]> of(MqttMessage message, MqttPropertyMetadata properties) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        message.userProperties()
                .forEach(
                        (name, value) -> {
                            if (!FIXED_NAMES.contains(name)) {
                                headers.put(name, utf8(value));
                            }
                        });
        put(headers, TOPIC, message.topic());
        put(headers, QOS, message.qos());
        put(headers, RETAINED, message.retained());
        put(headers, DUP, message.dup());
        put(headers, PACKET_ID, message.packetId());
        put(headers, MESSAGE_ID, properties.messageId(message));
        put(headers, TIMESTAMP, properties.timestampMillis(message));
        put(headers, CLIENT_ID, properties.clientId(message));
        put(headers, CLIENT_HOST, properties.clientHost(message));
        put(headers, USERNAME, properties.username(message));
        put(headers, CONTENT_TYPE, message.contentType());
        put(headers, RESPONSE_TOPIC, message.responseTopic());
        if (message.correlationData() != null) {
            headers.put(CORRELATION_DATA, message.correlationData().clone());
        }
        put(headers, MESSAGE_EXPIRY, message.messageExpirySeconds());
        return Collections.unmodifiableMap(headers);
    }

    private static void put(Map<String, byte[]> headers, String name, @Nullable Object value) {
        if (value != null) {
            headers.put(name, utf8(String.valueOf(value)));
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
