package io.mqttbridge.httpfunction.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options that only the {@code 'http-function'} table accepts, besides those of {@code
 * HttpFunctionOptions} (shared with the DataStream builder), {@code headers.<Name>} and Flink's
 * {@code format} and {@code sink.parallelism}. A DataStream job sets each record's key and origin
 * time in its {@code FunctionRecord} instead.
 */
@PublicEvolving
public final class HttpFunctionTableOptions {

    public static final ConfigOption<String> ORDERING_KEY =
            ConfigOptions.key("ordering-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the physical column whose value keys each record, e.g. a device id or "
                                    + "the topic: with ordering 'sequential' the records of one key are sent "
                                    + "one request at a time, in order. Required with ordering 'sequential'; "
                                    + "the value is also sent as each record's 'key'. Default: none.");

    /**
     * The option of every sink table (connectors/common), with how a batch counts: one invocation
     * acknowledges all of its rows at once.
     */
    public static final ConfigOption<String> LATENCY_TIME_COLUMN =
            LatencyTimeColumn.option("The synchronisation-latency gauge route.syncLatencyMs is then the time the "
                    + "function acknowledged a batch minus the OLDEST of these times in the batch. Unset, or NULL "
                    + "in every row of a batch, it counts from the batch's first attempt (the invocation round "
                    + "trip, retries and backoffs included).");

    private HttpFunctionTableOptions() {}
}
