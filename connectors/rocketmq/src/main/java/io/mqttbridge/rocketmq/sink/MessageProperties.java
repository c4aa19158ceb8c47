package io.mqttbridge.rocketmq.sink;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;

import java.util.Map;
import java.util.Set;

/**
 * User properties of an outgoing RocketMQ message. RocketMQ keeps system fields (keys, tags, delay
 * level, unique id, transaction flags, ...) in the same property map, under names listed in {@link
 * MessageConst#STRING_HASH_SET}; a user property of such a name would change how the broker treats
 * the message, so it is refused with an error that names it.
 */
@PublicEvolving
public final class MessageProperties {

    private MessageProperties() {}

    /** The property names RocketMQ reserves (e.g. {@code KEYS}, {@code TAGS}, {@code DELAY}, {@code UNIQ_KEY}). */
    public static Set<String> reservedNames() {
        return MessageConst.STRING_HASH_SET;
    }

    /**
     * Adds {@code properties} to {@code message}; entries with a null or empty value are left out
     * (RocketMQ cannot store them). Throws {@link IllegalArgumentException} for a reserved or empty
     * name and for names or values with the control characters \u0001 or \u0002 (RocketMQ's
     * separators).
     */
    public static void put(Message message, Map<String, String> properties) {
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String name = property.getKey();
            String value = property.getValue();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("RocketMQ user property names must not be empty (value '" + value + "')");
            }
            if (MessageConst.STRING_HASH_SET.contains(name)) {
                throw new IllegalArgumentException(
                        "RocketMQ user property '" + name + "' is refused: RocketMQ reserves that name for a system "
                                + "field. Rename it in the route (e.g. 'mqtt-" + name.toLowerCase(java.util.Locale.ROOT)
                                + "'); reserved names are listed in docs/connectors/rocketmq.md");
            }
            if (value == null || value.isEmpty()) {
                continue;
            }
            if (hasSeparator(name) || hasSeparator(value)) {
                throw new IllegalArgumentException(
                        "RocketMQ user property '" + name.replace(MessageDecoder.NAME_VALUE_SEPARATOR, '?')
                                .replace(MessageDecoder.PROPERTY_SEPARATOR, '?')
                                + "' contains the control character \\u0001 or \\u0002 in its name or value, which "
                                + "RocketMQ uses as separators");
            }
            message.putUserProperty(name, value);
        }
    }

    private static boolean hasSeparator(String s) {
        return s.indexOf(MessageDecoder.NAME_VALUE_SEPARATOR) >= 0 || s.indexOf(MessageDecoder.PROPERTY_SEPARATOR) >= 0;
    }
}
