package io.mqttbridge.mqtt.table;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options that only the {@code 'mqtt'} table accepts, besides those of {@code MqttOptions} (which the
 * DataStream builder shares) and Flink's {@code format} and {@code scan.parallelism}: the names of the
 * user properties that the metadata columns {@code message-id}, {@code timestamp}, {@code client-id},
 * {@code client-host} and {@code username} are read from. MQTT does not carry these fields itself.
 */
@PublicEvolving
public final class MqttTableOptions {

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
