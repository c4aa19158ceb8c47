package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Reads the fields that MQTT itself does not deliver to a subscriber - message id, publish time,
 * publisher client id / host / user name - from the user properties named by the {@code *.property}
 * options of {@link MqttTableOptions}. Absent properties give null (the source never invents them), except the timestamp,
 * which falls back to the time the source received the message.
 */
@Internal
public final class MqttPropertyMetadata implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String messageIdProperty;
    private final String timestampProperty;
    private final String clientIdProperty;
    private final String clientHostProperty;
    private final String usernameProperty;

    public MqttPropertyMetadata(
            String messageIdProperty,
            String timestampProperty,
            String clientIdProperty,
            String clientHostProperty,
            String usernameProperty) {
        this.messageIdProperty = messageIdProperty;
        this.timestampProperty = timestampProperty;
        this.clientIdProperty = clientIdProperty;
        this.clientHostProperty = clientHostProperty;
        this.usernameProperty = usernameProperty;
    }

    /** The property names of a table's options ({@link MqttTableOptions}, defaults where unset). */
    public static MqttPropertyMetadata from(ReadableConfig options) {
        return new MqttPropertyMetadata(
                options.get(MqttTableOptions.MESSAGE_ID_PROPERTY),
                options.get(MqttTableOptions.TIMESTAMP_PROPERTY),
                options.get(MqttTableOptions.CLIENT_ID_PROPERTY),
                options.get(MqttTableOptions.CLIENT_HOST_PROPERTY),
                options.get(MqttTableOptions.USERNAME_PROPERTY));
    }

    @Nullable
    public String messageId(MqttMessage message) {
        return message.userProperties().get(messageIdProperty);
    }

    @Nullable
    public String clientId(MqttMessage message) {
        return message.userProperties().get(clientIdProperty);
    }

    @Nullable
    public String clientHost(MqttMessage message) {
        return message.userProperties().get(clientHostProperty);
    }

    @Nullable
    public String username(MqttMessage message) {
        return message.userProperties().get(usernameProperty);
    }

    /**
     * Publish time in epoch milliseconds: the timestamp property as epoch millis or an ISO-8601
     * instant ({@code 2026-01-31T12:00:00Z}); when it is absent or unreadable, the receive time.
     * An unreadable value does not fail the job: the publisher's clock is not ours to enforce.
     */
    public long timestampMillis(MqttMessage message) {
        String value = message.userProperties().get(timestampProperty);
        if (value != null) {
            String trimmed = value.trim();
            try {
                return Long.parseLong(trimmed);
            } catch (NumberFormatException notMillis) {
                try {
                    return Instant.parse(trimmed).toEpochMilli();
                } catch (DateTimeParseException notIso) {
                    // fall through to the receive time
                }
            }
        }
        return message.receivedAtMillis();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttPropertyMetadata)) {
            return false;
        }
        MqttPropertyMetadata that = (MqttPropertyMetadata) o;
        return messageIdProperty.equals(that.messageIdProperty)
                && timestampProperty.equals(that.timestampProperty)
                && clientIdProperty.equals(that.clientIdProperty)
                && clientHostProperty.equals(that.clientHostProperty)
                && usernameProperty.equals(that.usernameProperty);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageIdProperty, timestampProperty, clientIdProperty, clientHostProperty, usernameProperty);
    }
}
