package io.mqttbridge.connector.options;



import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

/**
 * What a connector does with a record it cannot process (a batch a function refused after its retries,
 * a payload the format cannot decode): the same three choices, spelled the same, in every connector.
 * Nothing is lost silently: a skipped record is counted and logged, a dead letter is written durably.
 */
@PublicEvolving
public enum FailurePolicy {
    /** The job (or its checkpoint) fails and nothing is acknowledged: the record comes again after the restart. */
    FAIL,
    /** The record is dropped, counted in a metric and logged with its identity (never its payload). */
    SKIP,
    /** The record and its error are written as a JSON line under the connector's {@code dead-letter.path}. */
    DEAD_LETTER;

    /** The value as written in SQL: 'fail', 'skip', 'dead-letter'. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
