package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/** A message on its way from a subscriber connection to the emitter, with its acknowledgement. */
@Internal
public final class MqttReceivedMessage {

    private final String splitId;
    private final MqttMessage message;
    @Nullable private final Ack ack;

    public MqttReceivedMessage(String splitId, MqttMessage message, @Nullable Ack ack) {
        this.splitId = splitId;
        this.message = message;
        this.ack = ack;
    }

    public String splitId() {
        return splitId;
    }

    public MqttMessage message() {
        return message;
    }

    /** Null when nothing is left to acknowledge (QoS 0, or ack-mode RECEIPT). */
    @Nullable
    public Ack ack() {
        return ack;
    }

    /** Acknowledges one message on the connection it arrived on. */
    @FunctionalInterface
    public interface Ack {
        /** @return true if the PUBACK/PUBREC was handed to the client, false if the connection was replaced meanwhile */
        boolean acknowledge();
    }
}
