package io.mqttbridge.mqtt.functions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.functions.ScalarFunction;

import javax.annotation.Nullable;

/**
 * {@code MQTT_TOPIC_LEVEL(topic, n)}: level {@code n} of an MQTT topic, counted from 1 like SQL's
 * own positions ({@code SUBSTRING}, array indexes); a negative {@code n} counts from the end (-1 is
 * the last level). NULL when {@code n} is 0 or beyond the topic's levels, or an argument is NULL.
 * Empty levels are real levels: level 1 of {@code /a} is the empty string.
 */
@PublicEvolving
public class MqttTopicLevelFunction extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "MQTT_TOPIC_LEVEL";

    public @Nullable String eval(@Nullable String topic, @Nullable Integer n) {
        if (topic == null || n == null || n == 0) {
            return null;
        }
        // split with limit -1 keeps empty levels ("a//b" has three levels).
        String[] levels = topic.split("/", -1);
        int index = n > 0 ? n - 1 : levels.length + n;
        return index >= 0 && index < levels.length ? levels[index] : null;
    }
}
