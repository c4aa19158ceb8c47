package io.mqttbridge.httpfunction.table;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options that only the {@code 'http-function'} table accepts, besides those of {@code
 * HttpFunctionOptions} (shared with the DataStream builder), {@code headers.<Name>} and Flink's
 * {@code format} and {@code sink.parallelism}. A DataStream job sets each record's key in its
 * {@code FunctionRecord} instead.
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

    private HttpFunctionTableOptions() {}
}
