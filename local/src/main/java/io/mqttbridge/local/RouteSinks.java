package io.mqttbridge.local;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the summary reports per sink: the tables the routes INSERT into and, for Kafka tables, their
 * topics and bootstrap servers. A light reading of the statements, not a SQL parser: it only has to
 * label the summary, the planner has already accepted the file.
 */
@Internal
final class RouteSinks {

    /** A table that some INSERT writes to. */
    record Sink(String table, String connector, String topic, String bootstrapServers) {
        boolean isKafka() {
            return "kafka".equals(connector) || "upsert-kafka".equals(connector);
        }
    }

    private static final Pattern LINE_COMMENT = Pattern.compile("--[^\\n]*");
    private static final Pattern CREATE_TABLE =
            Pattern.compile(
                    "^\\s*CREATE\\s+(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([`\\w.]+)",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern OPTION = Pattern.compile("'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)'");
    private static final Pattern INSERT =
            Pattern.compile("\\bINSERT\\s+(?:INTO|OVERWRITE)\\s+(?:TABLE\\s+)?([`\\w.]+)", Pattern.CASE_INSENSITIVE);

    private RouteSinks() {}

    /** The INSERT targets of {@code statements}, in the order of their first INSERT. */
    static List<Sink> of(List<String> statements) {
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        Set<String> targets = new LinkedHashSet<>();
        for (String statement : statements) {
            String sql = LINE_COMMENT.matcher(statement).replaceAll("");
            Matcher create = CREATE_TABLE.matcher(sql);
            if (create.find()) {
                Map<String, String> options = new LinkedHashMap<>();
                Matcher option = OPTION.matcher(sql.substring(create.end()));
                while (option.find()) {
                    options.put(option.group(1).replace("''", "'"), option.group(2).replace("''", "'"));
                }
                tables.put(name(create.group(1)), options);
            }
            Matcher insert = INSERT.matcher(sql);
            while (insert.find()) {
                targets.add(name(insert.group(1)));
            }
        }
        List<Sink> sinks = new ArrayList<>();
        for (String table : targets) {
            Map<String, String> options = tables.getOrDefault(table, Map.of());
            sinks.add(
                    new Sink(
                            table,
                            options.getOrDefault("connector", "?").toLowerCase(Locale.ROOT),
                            options.get("topic"),
                            options.get("properties.bootstrap.servers")));
        }
        return sinks;
    }

    /** Last part of a possibly qualified, possibly quoted name: {@code `cat`.`db`.`t`} is {@code t}. */
    private static String name(String qualified) {
        String last = qualified.substring(qualified.lastIndexOf('.') + 1);
        return last.replace("`", "");
    }
}
