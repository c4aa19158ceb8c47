package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.options.FailurePolicy;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options that only the {@code 'mqtt'} table accepts, besides those of {@code MqttOptions} (which the
 * DataStream builder shares) and Flink's {@code format} and {@code scan.parallelism}: the names of the
 * user properties that the metadata columns {@code message-id}, {@code timestamp}, {@code client-id},
 * {@code client-host} and {@code username} are read from (MQTT does not carry these fields itself),
 * and what happens to a message whose payload the table's format cannot decode.
 */
@PublicEvolving
public final class MqttTableOptions {

    public static final ConfigOption<String> MESSAGE_FILTER =
            ConfigOptions.key("message-filter")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A condition on each message's attributes, in the syntax of cloud MQTT triggers, "
                                    + "tested before the payload is decoded: e.g. '$QoS = 1 AND k1 = ''v1'''. "
                                    + "$topic, $QoS, $retained, and bare (or \"quoted\") names for user properties; "
                                    + "=, <>, <, <=, >, >= (ordering for $QoS only), AND, OR, NOT, IN, LIKE, "
                                    + "IS [NOT] NULL, parentheses, 'string', integer and TRUE/FALSE literals. A "
                                    + "message that does not pass is acknowledged with its checkpoint and counted in "
                                    + "deserializer.messagesFiltered. Default: none (every message).");

    public static final ConfigOption<FailurePolicy> DECODE_ERROR_HANDLING =
            ConfigOptions.key("decode-error-handling")
                    .enumType(FailurePolicy.class)
                    .defaultValue(FailurePolicy.FAIL)
                    .withDescription(
                            "What happens to a message whose payload the format cannot decode or that leaves a "
                                    + "NOT NULL column without a value: 'fail' (the job fails naming topic and "
                                    + "packet id; the message is not acknowledged and fails the job again after "
                                    + "the restart), 'skip' (acknowledged and dropped, counted in "
                                    + "deserializer.decodeErrorsSkipped and logged at WARN without the payload) "
                                    + "or 'dead-letter' (written to dead-letter.path before it is acknowledged). "
                                    + "'skip' and 'dead-letter' exclude the format's own '<format>.ignore-parse-errors'.");

    public static final ConfigOption<String> DEAD_LETTER_PATH =
            ConfigOptions.key("dead-letter.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory (any Flink FileSystem: file://, s3://, hdfs://, ...) that receives one "
                                    + "JSON-lines file per undecodable message. Required with "
                                    + "decode-error-handling 'dead-letter', not allowed otherwise. Default: none.");

    public static final ConfigOption<String> MESSAGE_ID_PROPERTY =
            ConfigOptions.key("message-id.property")
                    .stringType()
                    .defaultValue("message-id")
                    .withDescription(
                            "Name of the user property that carries the publisher's message id, read by "
                                    + "the metadata column 'message-id' (NULL when a message lacks it).");

    public static final ConfigOption<String> TIMESTAMP_PROPERTY =
            ConfigOptions.key("timestamp.property")
                    .stringType()
                    .defaultValue("timestamp")
                    .withDescription(
                            "Name of the user property with the publish time, in epoch milliseconds or as "
                                    + "an ISO-8601 instant, read by the metadata column 'timestamp'. When a "
                                    + "message lacks it or it cannot be read, the column holds the time the "
                                    + "source received the message.");

    public static final ConfigOption<String> CLIENT_ID_PROPERTY =
            ConfigOptions.key("client-id.property")
                    .stringType()
                    .defaultValue("client-id")
                    .withDescription(
                            "Name of the user property with the publisher's client id, read by the "
                                    + "metadata column 'client-id' (NULL when a message lacks it).");

    public static final ConfigOption<String> CLIENT_HOST_PROPERTY =
            ConfigOptions.key("client-host.property")
                    .stringType()
                    .defaultValue("client-host")
                    .withDescription(
                            "Name of the user property with the publisher's host, read by the metadata "
                                    + "column 'client-host' (NULL when a message lacks it).");

    public static final ConfigOption<String> USERNAME_PROPERTY =
            ConfigOptions.key("username.property")
                    .stringType()
                    .defaultValue("username")
                    .withDescription(
                            "Name of the user property with the publisher's user name, read by the "
                                    + "metadata column 'username' (NULL when a message lacks it).");

    private MqttTableOptions() {}
}
