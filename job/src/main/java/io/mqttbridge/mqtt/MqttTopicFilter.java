package io.mqttbridge.mqtt;

import org.apache.flink.annotation.PublicEvolving;

import java.util.ArrayList;
import java.util.List;

/**
 * MQTT topic filters (MQTT 5.0, 4.7): validation and matching. '+' matches exactly one level,
 * '#' the rest of the topic (and the parent level), both only as whole levels; topics starting
 * with '$' are not matched by a filter starting with a wildcard.
 */
@PublicEvolving
public final class MqttTopicFilter {

    private MqttTopicFilter() {}

    /**
     * Splits a comma-separated list of filters and validates each.
     *
     * @throws IllegalArgumentException naming the bad filter and what is wrong with it
     */
    public static List<String> parseList(String filters) {
        List<String> result = new ArrayList<>();
        if (filters == null || filters.isBlank()) {
            throw new IllegalArgumentException("No topic filter given: expected one or more filters, comma-separated");
        }
        for (String part : filters.split(",")) {
            String filter = part.trim();
            validate(filter);
            result.add(filter);
        }
        return result;
    }

    /** @throws IllegalArgumentException naming the bad filter and what is wrong with it */
    public static void validate(String filter) {
        if (filter == null || filter.isEmpty()) {
            throw new IllegalArgumentException("Invalid topic filter '': a filter must not be empty");
        }
        if (filter.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("Invalid topic filter '" + filter + "': contains the NUL character");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#")) {
                if (!level.equals("#")) {
                    throw new IllegalArgumentException(
                            "Invalid topic filter '" + filter + "': '#' must occupy a whole level, found '" + level + "'");
                }
                if (i != levels.length - 1) {
                    throw new IllegalArgumentException(
                            "Invalid topic filter '" + filter + "': '#' must be the last level");
                }
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException(
                        "Invalid topic filter '" + filter + "': '+' must occupy a whole level, found '" + level + "'");
            }
        }
    }

    /** True when {@code topic} matches {@code filter}; the filter must be valid. */
    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
