package io.mqttbridge.rocketmq.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.client.ClientConfig;

import java.lang.reflect.Method;
import java.util.Map;

/** Applies 'properties.&lt;name&gt;' to a RocketMQ ClientConfig through its setter {@code set<Name>}. */
@Internal
final class ClientProperties {

    private ClientProperties() {}

    static void apply(Map<String, String> properties, ClientConfig config) {
        for (Map.Entry<String, String> e : properties.entrySet()) {
            set(config, e.getKey(), e.getValue().trim());
        }
    }

    private static void set(ClientConfig config, String name, String value) {
        String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (Method m : config.getClass().getMethods()) {
            if (!m.getName().equals(setter) || m.getParameterCount() != 1) {
                continue;
            }
            Class<?> type = m.getParameterTypes()[0];
            try {
                if (type == String.class) {
                    m.invoke(config, value);
                } else if (type == int.class) {
                    m.invoke(config, Integer.parseInt(value));
                } else if (type == long.class) {
                    m.invoke(config, Long.parseLong(value));
                } else if (type == boolean.class) {
                    m.invoke(config, Boolean.parseBoolean(value));
                } else {
                    continue;
                }
                return;
            } catch (ReflectiveOperationException | NumberFormatException ex) {
                throw new IllegalArgumentException("Invalid value '" + value + "' for option 'properties." + name
                        + "': expected a value of type " + type.getSimpleName(), ex);
            }
        }
        throw new IllegalArgumentException("Invalid value '" + value + "' for option 'properties." + name
                + "': expected a setting of RocketMQ's ClientConfig (no setter " + setter + ")");
    }
}
