package io.mqttbridge.rocketmq;

import io.mqttbridge.connector.options.OptionChecks;

import org.apache.flink.annotation.Internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;

/**
 * Applies {@code properties.<setting>} options to a RocketMQ client object ({@code DefaultMQProducer},
 * a consumer): {@code properties.maxMessageSize = '1048576'} calls {@code setMaxMessageSize(1048576)}.
 * RocketMQ's clients are configured through setters, not a properties map, so the setting names are the
 * setters' property names; a name without a setter of a String, int, long or boolean parameter is
 * refused, naming the option. Applied once to a fresh client when the route is planned, so errors
 * surface then.
 */
@Internal
public final class RocketMqClientProperties {

    private RocketMqClientProperties() {}

    /** Calls the setter of each setting on {@code client}. */
    public static void apply(Object client, Map<String, String> settings) {
        settings.forEach((name, value) -> apply(client, name, value));
    }

    private static void apply(Object client, String name, String value) {
        String key = RocketMqOptions.PROPERTIES_PREFIX + name;
        String setter = "set" + name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        for (Method method : client.getClass().getMethods()) {
            if (!method.getName().equals(setter) || method.getParameterCount() != 1) {
                continue;
            }
            Class<?> type = method.getParameterTypes()[0];
            Object converted;
            try {
                converted = convert(type, value.trim());
            } catch (NumberFormatException e) {
                throw OptionChecks.invalid(key, value, "a " + type.getSimpleName() + " value for " + client.getClass().getSimpleName() + "." + setter);
            }
            if (converted == null) {
                continue;
            }
            try {
                method.invoke(client, converted);
                return;
            } catch (IllegalAccessException | InvocationTargetException e) {
                Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
                throw OptionChecks.invalid(key, value, "a value " + client.getClass().getSimpleName() + "." + setter + " accepts (" + cause + ")");
            }
        }
        throw OptionChecks.invalid(
                key,
                value,
                "a setting of RocketMQ's " + client.getClass().getSimpleName() + " with a String, number or boolean "
                        + "setter, e.g. 'properties.maxMessageSize' or 'properties.compressMsgBodyOverHowmuch'");
    }

    private static Object convert(Class<?> type, String value) {
        if (type == String.class) {
            return value;
        }
        if (type == int.class || type == Integer.class) {
            return Integer.parseInt(value);
        }
        if (type == long.class || type == Long.class) {
            return Long.parseLong(value);
        }
        if (type == boolean.class || type == Boolean.class) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new NumberFormatException(value);
            }
            return Boolean.parseBoolean(value);
        }
        return null;
    }
}
