package io.mqttbridge.mqtt.functions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MqttTopicLevelFunctionTest {

    private final MqttTopicLevelFunction level = new MqttTopicLevelFunction();

    @Test
    void countsLevelsFromOne() {
        assertThat(level.eval("vehicles/v42/battery", 1)).isEqualTo("vehicles");
        assertThat(level.eval("vehicles/v42/battery", 2)).isEqualTo("v42");
        assertThat(level.eval("vehicles/v42/battery", 3)).isEqualTo("battery");
    }

    @Test
    void negativeCountsFromTheEnd() {
        assertThat(level.eval("vehicles/v42/battery", -1)).isEqualTo("battery");
        assertThat(level.eval("vehicles/v42/battery", -3)).isEqualTo("vehicles");
    }

    @Test
    void outOfRangeZeroAndNullsGiveNull() {
        assertThat(level.eval("vehicles/v42/battery", 4)).isNull();
        assertThat(level.eval("vehicles/v42/battery", -4)).isNull();
        assertThat(level.eval("vehicles/v42/battery", 0)).isNull();
        assertThat(level.eval(null, 1)).isNull();
        assertThat(level.eval("a", null)).isNull();
    }

    @Test
    void emptyLevelsAreLevels() {
        assertThat(level.eval("/a", 1)).isEmpty();
        assertThat(level.eval("/a", 2)).isEqualTo("a");
        assertThat(level.eval("a//b", 2)).isEmpty();
        assertThat(level.eval("a/", -1)).isEmpty();
        assertThat(level.eval("$SYS/broker/uptime", 1)).isEqualTo("$SYS");
    }
}
