package io.mqttbridge.mqtt.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * FLIP-27 source over MQTT: one split per subscriber connection, shared subscriptions,
 * persistent sessions, acknowledgement after the covering checkpoint. Build with {@link #builder()}.
 *
 * <p>CONTRACT STUB - implemented by the source work package.
 */
@PublicEvolving
public final class MqttSource<T> {

    public static <T> MqttSourceBuilder<T> builder() {
        return new MqttSourceBuilder<>();
    }
}
