package io.mqttbridge.routes;

import io.mqttbridge.mqtt.MqttTopicFilter;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds routes that publish into a topic an {@code mqtt} table of the same file subscribes to, on the same
 * broker: every message such a route writes comes back in through that table, and if that table feeds
 * the route, it circles for ever. A static {@code topic} is matched against each filter; for a topic given
 * per row, the string literals of the INSERT that look like topics or topic prefixes ('devices/' ||
 * vin) are, so the check may also warn about a route that only could publish there.
 */
@Internal
final class MqttLoopCheck {

    /** A quoted SQL string literal ('' escapes a quote). */
    private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'");

    /** An mqtt table that subscribes: its name and options. */
    record Subscriber(String table, Map<String, String> options) {}

    /**
     * An INSERT into an mqtt table: where it is, the table, its options, whether rows bring their own topic,
     * and the 'client-id-prefix' its sink publishes with (the table's default where none is set).
     */
    record Publisher(
            RoutesStatement insert, String table, Map<String, String> options, boolean topicPerRow, String clientIdPrefix) {}

    private MqttLoopCheck() {}

    static boolean isMqtt(Map<String, String> options) {
        return "mqtt".equals(String.valueOf(options.get("connector")).toLowerCase(Locale.ROOT));
    }

    static List<String> warnings(List<Subscriber> subscribers, List<Publisher> publishers) {
        List<String> warnings = new ArrayList<>();
        for (Publisher publisher : publishers) {
            for (Subscriber subscriber : subscribers) {
                if (!sameBroker(publisher.options(), subscriber.options())) {
                    continue;
                }
                for (String filter : filters(subscriber.options())) {
                    String topic = publisher.options().get("topic");
                    if (topic != null && matches(filter, topic.trim())) {
                        warnings.add(warning(publisher, subscriber, "publishes to topic '" + topic.trim() + "'", filter));
                    }
                    if (publisher.topicPerRow()) {
                        for (String literal : topicLiterals(publisher.insert().sql())) {
                            boolean prefix = literal.endsWith("/");
                            if (prefix ? MqttTopicFilter.overlaps(filter, literal + "#") : matches(filter, literal)) {
                                warnings.add(warning(publisher, subscriber,
                                        "may publish to topic" + (prefix ? "s starting with '" : " '") + literal + "'", filter));
                            }
                        }
                    }
                }
            }
        }
        return warnings;
    }

    private static String warning(Publisher publisher, Subscriber subscriber, String what, String filter) {
        RoutesStatement insert = publisher.insert();
        return insert.file() + ":" + insert.line() + ":" + insert.column() + ": warning: the route into mqtt table '"
                + publisher.table() + "' " + what + ", which mqtt table '" + subscriber.table() + "' of this file "
                + "subscribes to with filter '" + filter + "' on the same broker: what the route publishes comes back "
                + "in through '" + subscriber.table() + "' (a loop if that table feeds the route). Publish to other "
                + "topics or narrow 'topic-filter'";
    }

    private static boolean matches(String filter, String topic) {
        try {
            return MqttTopicFilter.compile(filter).matches(topic);
        } catch (IllegalArgumentException e) {
            return false; // the source reports a bad filter itself
        }
    }

    private static List<String> filters(Map<String, String> options) {
        String filters = options.get("topic-filter");
        List<String> result = new ArrayList<>();
        if (filters != null) {
            for (String part : filters.split(",")) {
                if (!part.isBlank()) {
                    result.add(part.trim());
                }
            }
        }
        return result;
    }

    /** Literals with a '/' and no wildcard: topics, or prefixes of topics built per row. */
    private static List<String> topicLiterals(String sql) {
        List<String> literals = new ArrayList<>();
        Matcher m = LITERAL.matcher(sql);
        while (m.find()) {
            String literal = m.group(1).replace("''", "'");
            if (literal.contains("/") && literal.indexOf('+') < 0 && literal.indexOf('#') < 0 && !literal.contains("://")) {
                literals.add(literal);
            }
        }
        return literals;
    }

    private static boolean sameBroker(Map<String, String> a, Map<String, String> b) {
        String x = a.get("server-uri");
        String y = b.get("server-uri");
        return x != null && y != null && x.trim().equalsIgnoreCase(y.trim());
    }
}
