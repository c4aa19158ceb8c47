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
        writeFixed(
                message,
                properties,
                new FixedFields() {
                    @Override
                    public void text(String name, String value) {
                        headers.put(name, utf8(value));
                    }

                    @Override
                    public void bytes(String name, byte[] value) {
                        headers.put(name, value.clone());
                    }
                });
        return Collections.unmodifiableMap(headers);
    }

    /** Receives the fixed fields that are not null, in the order of {@link #FIXED_NAMES}. */
    interface FixedFields {
        /** A field as text: numbers in decimal, booleans {@code true}/{@code false}, the timestamp in epoch ms. */
        void text(String name, String value);

        /** Correlation data, the one binary field. */
        void bytes(String name, byte[] value);
    }

    /** The fixed fields of {@code message}, shared by the Kafka headers and the RocketMQ properties. */
    static void writeFixed(MqttMessage message, MqttPropertyMetadata properties, FixedFields out) {
        text(out, TOPIC, message.topic());
        text(out, QOS, message.qos());
        text(out, RETAINED, message.retained());
        text(out, DUP, message.dup());
        text(out, PACKET_ID, message.packetId());
        text(out, MESSAGE_ID, properties.messageId(message));
        text(out, TIMESTAMP, properties.timestampMillis(message));
        text(out, CLIENT_ID, properties.clientId(message));
        text(out, CLIENT_HOST, properties.clientHost(message));
        text(out, USERNAME, properties.username(message));
        text(out, CONTENT_TYPE, message.contentType());
        text(out, RESPONSE_TOPIC, message.responseTopic());
        if (message.correlationData() != null) {
            out.bytes(CORRELATION_DATA, message.correlationData());
        }
        text(out, MESSAGE_EXPIRY, message.messageExpirySeconds());
    }

    private static void text(FixedFields out, String name, @Nullable Object value) {
        if (value != null) {
            out.text(name, String.valueOf(value));
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
