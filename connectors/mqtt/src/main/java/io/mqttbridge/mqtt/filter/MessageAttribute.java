package io.mqttbridge.mqtt.filter;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An attribute of an MQTT message that a {@link MessageFilter} can test without decoding the payload:
 * the topic ({@code $topic}, a string), the QoS ({@code $QoS}, an integer), the retain flag
 * ({@code $retained}, a boolean) or a user property (its bare name, a string; null when absent).
 */
@Internal
public final class MessageAttribute implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The type of an attribute's values, and so of the literals it is compared with. */
    public enum Type {
        STRING("a string literal ('...')"),
        INTEGER("an integer literal"),
        BOOLEAN("TRUE or FALSE");

        final String literal;

        Type(String literal) {
            this.literal = literal;
        }
    }

    private enum Kind {
        TOPIC,
        QOS,
        RETAINED,
        PROPERTY
    }

    /** Names that a user property can have unquoted in the message-filter syntax. */
    private static final Pattern BARE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

    public static final MessageAttribute TOPIC = new MessageAttribute(Kind.TOPIC, null);
    public static final MessageAttribute QOS = new MessageAttribute(Kind.QOS, null);
    public static final MessageAttribute RETAINED = new MessageAttribute(Kind.RETAINED, null);

    private final Kind kind;
    @Nullable private final String property;

    private MessageAttribute(Kind kind, @Nullable String property) {
        this.kind = kind;
        this.property = property;
    }

    public static MessageAttribute userProperty(String name) {
        return new MessageAttribute(Kind.PROPERTY, Objects.requireNonNull(name, "name"));
    }

    public Type type() {
        switch (kind) {
            case QOS:
                return Type.INTEGER;
            case RETAINED:
                return Type.BOOLEAN;
            default:
                return Type.STRING;
        }
    }

    /** A String, Long or Boolean as {@link #type()} says; null only for an absent user property. */
    @Nullable
    Object value(MqttMessage message) {
        switch (kind) {
            case TOPIC:
                return message.topic();
            case QOS:
                return (long) message.qos();
            case RETAINED:
                return message.retained();
            default:
                return message.userProperties().get(property);
        }
    }

    /** In the message-filter syntax: {@code $topic}, {@code $QoS}, {@code $retained}, a name or a "quoted name". */
    @Override
    public String toString() {
        switch (kind) {
            case TOPIC:
                return "$topic";
            case QOS:
                return "$QoS";
            case RETAINED:
                return "$retained";
            default:
                return BARE_NAME.matcher(property).matches() && !MessageFilterParser.isKeyword(property)
                        ? property
                        : '"' + property.replace("\"", "\"\"") + '"';
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageAttribute
                && kind == ((MessageAttribute) o).kind
                && Objects.equals(property, ((MessageAttribute) o).property);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, property);
    }
}
