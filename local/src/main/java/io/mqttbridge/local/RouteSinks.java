package io.mqttbridge.local;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.routes.RoutesPlan;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tables the routes write to, as the local stack needs them: the Kafka topics on its own broker to
 * create before the job starts, and what the summary counts. Read from the runner's plan, so the
 * options are the ones the connectors get (substituted, hints applied, topic lists parsed as the Kafka
 * connector parses them).
 */
@Internal
final class RouteSinks {

    private static final Logger LOG = LoggerFactory.getLogger(RouteSinks.class);

    /**
     * A table some INSERT writes to. For a Kafka table on the local broker: the topics it lists (one,
     * or the allowed values of its writable {@code topic} column) or its {@code topic-pattern}; both
     * empty for any other table.
     */
    record Sink(String table, List<String> topics, @Nullable Pattern topicPattern) {}

    private RouteSinks() {}

    /** The sinks of {@code plan}, in its order; {@code localKafka} is the local broker's bootstrap address. */
    static List<Sink> of(RoutesPlan plan, String localKafka) {
        List<Sink> sinks = new ArrayList<>();
        for (RoutesPlan.SinkTable table : plan.sinks()) {
            String connector = table.connector();
            boolean localKafkaTable = ("kafka".equals(connector) || "upsert-kafka".equals(connector))
                    && writesTo(table.options().get("properties.bootstrap.servers"), localKafka);
            if (!localKafkaTable) {
                sinks.add(new Sink(table.name(), List.of(), null));
                continue;
            }
            Configuration options = Configuration.fromMap(table.options());
            List<String> topics = options.getOptional(KafkaConnectorOptions.TOPIC).orElse(List.of());
            Pattern pattern = options.getOptional(KafkaConnectorOptions.TOPIC_PATTERN).map(Pattern::compile).orElse(null);
            sinks.add(new Sink(table.name(), topics, pattern));
        }
        return sinks;
    }

    /** Table names for the summary, each once (two INSERTs into one table with different hints are two sinks). */
    static List<String> tables(List<Sink> sinks) {
        Set<String> names = new LinkedHashSet<>();
        sinks.forEach(s -> names.add(s.table()));
        return new ArrayList<>(names);
    }

    /**
     * Creates every listed topic, so that the job starts without "unknown topic" warnings. Topics of a
     * {@code topic-pattern} cannot be known in advance: the local broker creates them on first write
     * ({@code auto.create.topics.enable}). Best effort: a topic that cannot be created is logged, and
     * the route runs as it would anywhere else, failing with the connector's own message if it must.
     */
    static void createTopics(List<Sink> sinks, EmbeddedKafka kafka) {
        for (String topic : listedTopics(sinks)) {
            try {
                kafka.createTopic(topic, 1);
            } catch (RuntimeException e) {
                LOG.warn("Could not create Kafka topic '{}' before the routes start: {}", topic, e.getMessage());
            }
        }
    }

    /** The topics the summary counts: the listed ones, then the {@code existing} topics a pattern matches. */
    static List<String> countedTopics(List<Sink> sinks, Collection<String> existing) {
        Set<String> topics = new LinkedHashSet<>(listedTopics(sinks));
        existing.stream()
                .sorted()
                .filter(topic -> sinks.stream().anyMatch(s -> s.topicPattern() != null && s.topicPattern().matcher(topic).matches()))
                .forEach(topics::add);
        return new ArrayList<>(topics);
    }

    /** Whether some sink has a {@code topic-pattern}: only then the summary lists the broker's topics. */
    static boolean anyTopicPattern(List<Sink> sinks) {
        return sinks.stream().anyMatch(s -> s.topicPattern() != null);
    }

    private static Set<String> listedTopics(List<Sink> sinks) {
        Set<String> topics = new LinkedHashSet<>();
        sinks.forEach(s -> topics.addAll(s.topics()));
        return topics;
    }

    /** Whether {@code bootstrapServers} names the local broker (it may list other addresses too). */
    private static boolean writesTo(@Nullable String bootstrapServers, String localKafka) {
        return bootstrapServers != null
                && Arrays.stream(bootstrapServers.split(",")).map(String::trim).anyMatch(localKafka::equals);
    }
}
