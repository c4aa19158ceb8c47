package io.mqttbridge.mqtt.sink;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of the {@code mqtt} sink besides the connection options it shares with the source
 * ({@code server-uri}, credentials, TLS, {@code client-id-prefix}, {@code qos}, ... of {@code
 * MqttOptions}). A sink table refuses the options that only a source reads, and a source table these.
 */
@PublicEvolving
public final class MqttSinkOptions {

    public static final ConfigOption<String> TOPIC =
            ConfigOptions.key("topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Sink: the MQTT topic every row is published to, without wildcards (e.g. "
                                    + "'devices/all/commands'). A writable 'topic' metadata column overrides it per "
                                    + "row (e.g. 'devices/<vin>/commands'). Required unless the table has that column.");

    public static final ConfigOption<Boolean> RETAIN =
            ConfigOptions.key("retain")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Sink: the RETAIN flag of every publish, true or false: with true the broker keeps the "
                                    + "last message of each topic for future subscribers.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT =
            ConfigOptions.key("sink.max-in-flight")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Sink: publishes per subtask not yet acknowledged by the broker (QoS 1/2) or not yet "
                                    + "written (QoS 0), 1 to 65535. A subtask at this limit waits for "
                                    + "acknowledgements (backpressure). The broker's Receive Maximum bounds what is "
                                    + "actually sent at once (HiveMQ CE: 10); the rest waits in the client.");

    /** The same option as the rocketmq and http-function sink tables (connectors/common). */
    public static final ConfigOption<String> LATENCY_TIME_COLUMN = LatencyTimeColumn.OPTION;

    private MqttSinkOptions() {}
}
