package io.mqttbridge.mqtt;

import org.apache.flink.annotation.PublicEvolving;

import java.util.ArrayList;
import java.util.List;

/**
 * MQTT topic filters (MQTT 5.0, 4.7): validation and matching. '+' matches exactly one level,
 * '#' the rest of the topic (and the parent level), both only as whole levels; topics starting
 * with '$' are not matched by a filter starting with a wildcard. A shared subscription
 * {@code $share/<share name>/<filter>} (4.8.2) matches what its {@code <filter>} matches.
 */
@PublicEvolving
public final class MqttTopicFilter {

    private static final String SHARE_PREFIX = "$share/";

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
        if (filter.startsWith(SHARE_PREFIX)) {
            int end = filter.indexOf('/', SHARE_PREFIX.length());
            String shareName = filter.substring(SHARE_PREFIX.length(), end < 0 ? filter.length() : end);
            if (end < 0 || shareName.isEmpty() || shareName.contains("+") || shareName.contains("#")) {
                throw new IllegalArgumentException(
                        "Invalid topic filter '" + filter + "': a shared subscription is '$share/<share name>/<filter>', "
                                + "the share name at least one character without '/', '+' or '#'");
            }
            if (end == filter.length() - 1) {
                throw new IllegalArgumentException(
                        "Invalid topic filter '" + filter + "': no topic filter after the share name");
            }
        }
        String[] levels = unshared(filter).split("/", -1);
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

    /**
     * Validates {@code filter} and splits it into levels once, for matching many topics.
     *
     * @throws IllegalArgumentException naming the bad filter and what is wrong with it
     */
    public static Compiled compile(String filter) {
        validate(filter);
        return new Compiled(filter);
    }

    /**
     * True when some topic matches both valid filters (a shared subscription by its {@code <filter>}):
     * a session subscribed to both may receive such a message twice (MQTT 5.0, 3.3.4), and two shared
     * subscriptions always deliver it once each.
     */
    public static boolean overlaps(String a, String b) {
        String[] x = unshared(a).split("/", -1);
        String[] y = unshared(b).split("/", -1);
        for (int i = 0; ; i++) {
            boolean xDone = i == x.length;
            boolean yDone = i == y.length;
            if (xDone || yDone) {
                // 'a/#' also matches 'a': a filter that ends where the other has its last level '#'
                return (xDone && yDone) || (xDone ? y[i] : x[i]).equals("#");
            }
            if (x[i].equals("#") || y[i].equals("#")) {
                return i > 0 || !startsWithDollar(x[i]) && !startsWithDollar(y[i]);
            }
            if (x[i].equals("+") || y[i].equals("+")) {
                // a leading wildcard never matches a topic starting with '$' (4.7.2)
                if (i == 0 && (startsWithDollar(x[i]) || startsWithDollar(y[i]))) {
                    return false;
                }
            } else if (!x[i].equals(y[i])) {
                return false;
            }
        }
    }

    private static boolean startsWithDollar(String level) {
        return level.startsWith("$");
    }

    /** The filter a valid {@code $share/<share name>/<filter>} applies to; any other filter itself. */
    private static String unshared(String filter) {
        return filter.startsWith(SHARE_PREFIX) ? filter.substring(filter.indexOf('/', SHARE_PREFIX.length()) + 1) : filter;
    }

    /** A valid filter split into its levels: {@link #matches(String)} allocates nothing. Immutable. */
    public static final class Compiled {
        private final String filter;
        private final String[] levels;
        private final boolean leadingWildcard;

        private Compiled(String filter) {
            this.filter = filter;
            String matched = unshared(filter);
            this.levels = matched.split("/", -1);
            this.leadingWildcard = matched.startsWith("+") || matched.startsWith("#");
        }

        public String filter() {
            return filter;
        }

        /** True when {@code topic} matches this filter. */
        public boolean matches(String topic) {
            if (leadingWildcard && topic.startsWith("$")) {
                return false;
            }
            int length = topic.length();
            int start = 0; // start of the current topic level; length + 1 once all are consumed
            for (String level : levels) {
                if (level.equals("#")) {
                    return true;
                }
                if (start > length) {
                    return false; // the topic has fewer levels
                }
                int end = topic.indexOf('/', start);
                if (end < 0) {
                    end = length;
                }
                if (!level.equals("+") && !(level.length() == end - start && topic.startsWith(level, start))) {
                    return false;
                }
                start = end + 1;
            }
            return start == length + 1; // and not more levels
        }

        @Override
        public String toString() {
            return filter;
        }
    }
}
