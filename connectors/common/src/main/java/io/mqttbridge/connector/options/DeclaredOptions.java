package io.mqttbridge.connector.options;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@link ConfigOption} constants that option classes declare ({@code MqttOptions},
 * {@code MqttTableOptions}, ...): what a table factory accepts and what the docs list, found by
 * reflection so that a new constant is accepted and documented without a second list to maintain.
 */
@Internal
public final class DeclaredOptions {

    private DeclaredOptions() {}

    /** The public static ConfigOption fields of {@code holders}, in declaration order. */
    public static Set<ConfigOption<?>> in(Class<?>... holders) {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        for (Class<?> holder : holders) {
            for (Field field : holder.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        options.add((ConfigOption<?>) field.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("Cannot read " + field, e);
                    }
                }
            }
        }
        return Collections.unmodifiableSet(options);
    }

    /** The keys of {@link #in(Class[])}. */
    public static Set<String> keysIn(Class<?>... holders) {
        Set<String> keys = new LinkedHashSet<>();
        for (ConfigOption<?> option : in(holders)) {
            keys.add(option.key());
        }
        return keys;
    }
}
