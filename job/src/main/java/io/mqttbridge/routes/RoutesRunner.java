package io.mqttbridge.routes;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Executes a routes file on a given environment: registers the MQTT SQL functions, runs every DDL
 * statement, then submits all INSERTs in one StatementSet as one job named after the file.
 *
 * <p>CONTRACT STUB - implemented by the routes work package. Keep these signatures.
 */
public final class RoutesRunner {

    private RoutesRunner() {}

    /** Submits the job and returns without waiting for it to finish (TableResult#getJobClient). */
    public static TableResult execute(StreamExecutionEnvironment env, RoutesFile routes) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Parses and plans every statement without running anything; throws RoutesException (FILE:LINE:COLUMN). */
    public static void validate(StreamExecutionEnvironment env, RoutesFile routes) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
