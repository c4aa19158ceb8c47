package io.mqttbridge.routes;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a routes file would run, read without starting a job (see {@link RoutesRunner#plan}): the job
 * name and the tables its INSERTs write to, with the options their connectors get.
 *
 * @param jobName the name the job is submitted under
 * @param sinks each distinct INSERT target, in the order of the first INSERT into it
 */
@PublicEvolving
public record RoutesPlan(String jobName, List<SinkTable> sinks) {

    public RoutesPlan {
        sinks = List.copyOf(sinks);
    }

    /**
     * A table that an INSERT writes to. The options are the table's, after ${env:...} substitution and
     * merged with the INSERT's {@code OPTIONS} hint, as the connector sees them: they may hold secrets,
     * so never log them unmasked ({@link RoutesFile#mask}).
     *
     * @param identifier the fully qualified name, e.g. {@code default_catalog.default_database.t}
     * @param name the table's own name, e.g. {@code t}: what Flink names the sink operator after
     */
    @PublicEvolving
    public record SinkTable(String identifier, String name, Map<String, String> options) {

        public SinkTable {
            options = Map.copyOf(options);
        }

        /** The {@code connector} option, lower case; null for a catalog table without one. */
        @Nullable
        public String connector() {
            String connector = options.get("connector");
            return connector == null ? null : connector.toLowerCase(Locale.ROOT);
        }
    }
}
