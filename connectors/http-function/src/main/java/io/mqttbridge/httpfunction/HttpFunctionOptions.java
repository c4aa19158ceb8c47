package io.mqttbridge.httpfunction;

import io.mqttbridge.connector.options.FailurePolicy;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * The options of the {@code http-function} sink that the DataStream builder ({@code
 * FunctionSink.builder()}) and the {@code 'http-function'} table share. The table's own option
 * ({@code ordering-key}) is in {@code HttpFunctionTableOptions}. The docs' option tables are generated
 * from the descriptions, so each one states the accepted values.
 */
@PublicEvolving
public final class HttpFunctionOptions {

    /** Request headers are given as {@code headers.<Name>} options. */
    public static final String HEADERS_PREFIX = "headers.";

    /** Upper bound of {@link #MAX_MESSAGES}. */
    public static final int MAX_MESSAGES_LIMIT = 10_000;
    /** Upper bound of {@link #MAX_IN_FLIGHT}. */
    public static final int MAX_IN_FLIGHT_LIMIT = 1_000;
    /** Upper bound of {@link #RETRIES}. */
    public static final int RETRIES_LIMIT = 100;

    /** How requests of one subtask may overlap. */
    public enum Ordering {
        /** Up to {@code max-in-flight} requests at once, no order between them. */
        CONCURRENT,
        /** Per record key one request at a time, records in arrival order, also across retries. */
        SEQUENTIAL;

        /** The value as written in SQL: 'concurrent', 'sequential'. */
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }


    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The function's address: an absolute http:// or https:// URL with a host. "
                                    + "Its query and user info are never logged. Required.");

    public static final ConfigOption<String> METHOD =
            ConfigOptions.key("method")
                    .stringType()
                    .defaultValue("POST")
                    .withDescription("HTTP method of every invocation: 'POST' or 'PUT' (any case).");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How long one attempt may take until the response headers arrive, a positive "
                                    + "duration; a timed-out attempt is retried. With checkpointing, "
                                    + "request-timeout x (retries + 1) plus the retry backoffs must be shorter "
                                    + "than execution.checkpointing.timeout (the defaults: at most 41.4 s).");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How long opening a connection may take, a positive duration; a failed connect "
                                    + "is retried.");

    public static final ConfigOption<Integer> MAX_MESSAGES =
            ConfigOptions.key("max-messages")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Largest number of records per invocation, 1 to " + MAX_MESSAGES_LIMIT + ".");

    public static final ConfigOption<Duration> MAX_WAIT =
            ConfigOptions.key("max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "How long a partial batch may wait for more records before it is sent, a "
                                    + "positive duration.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT =
            ConfigOptions.key("max-in-flight")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "HTTP requests open at once per sink subtask, 1 to " + MAX_IN_FLIGHT_LIMIT
                                    + " (with ordering 'sequential' also at most one per key). A request holds its slot until it is finished, retries and their backoff included.");

    public static final ConfigOption<Integer> RETRIES =
            ConfigOptions.key("retries")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Retries of a batch after its first attempt, 0 to " + RETRIES_LIMIT + ", on 408, 429, 5xx, "
                                    + "timeouts and connection errors; 0 disables retries. Other 4xx are never retried.");

    public static final ConfigOption<Duration> RETRY_BACKOFF =
            ConfigOptions.key("retry-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "Delay before the first retry, a positive duration; it doubles with every "
                                    + "further retry.");

    public static final ConfigOption<Duration> RETRY_BACKOFF_MAX =
            ConfigOptions.key("retry-backoff-max")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "Cap of the retry delay, also of a server's Retry-After, so that a checkpoint "
                                    + "never waits without bound; a duration not shorter than retry-backoff.");

    public static final ConfigOption<Ordering> ORDERING =
            ConfigOptions.key("ordering")
                    .enumType(Ordering.class)
                    .defaultValue(Ordering.CONCURRENT)
                    .withDescription(
                            "How requests of one sink subtask may overlap: 'concurrent' (up to "
                                    + "max-in-flight requests at once, no order) or 'sequential' (per record key "
                                    + "at most one request in flight and records in arrival order, across retries "
                                    + "and restarts too; a request still holds up to max-messages records of any "
                                    + "keys, and records of a key in flight wait for a later request). The table "
                                    + "takes the key from its ordering-key column and routes each key to one sink "
                                    + "subtask.");

    public static final ConfigOption<Boolean> BASE64_PAYLOAD =
            ConfigOptions.key("base64-payload")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Whether to send each record's serialized bytes base64-encoded (for binary "
                                    + "formats): true or false. With false they are sent inline as JSON (format "
                                    + "json) or as text (other formats).");

    public static final ConfigOption<FailurePolicy> FAILURE_HANDLING =
            ConfigOptions.key("failure-handling")
                    .enumType(FailurePolicy.class)
                    .defaultValue(FailurePolicy.FAIL)
                    .withDescription(
                            "When retries are exhausted or the error is not retryable: 'fail' (the "
                                    + "checkpoint fails, the job restarts from the last one, nothing is "
                                    + "lost), 'skip' (counted and logged) or 'dead-letter' (written to "
                                    + "dead-letter.path).");

    public static final ConfigOption<String> DEAD_LETTER_PATH =
            ConfigOptions.key("dead-letter.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory (any Flink FileSystem: file://, s3://, hdfs://, ...) that receives "
                                    + "one JSON-lines file per failed batch. Required with failure-handling "
                                    + "'dead-letter'. Default: none.");

    private HttpFunctionOptions() {}
}
