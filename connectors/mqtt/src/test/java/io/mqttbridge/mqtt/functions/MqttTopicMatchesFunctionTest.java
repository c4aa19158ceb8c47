package io.mqttbridge.mqtt.functions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttTopicMatchesFunctionTest {

    private final MqttTopicMatchesFunction matches = new MqttTopicMatchesFunction();

    @Test
    void plusMatchesExactlyOneLevel() {
        assertThat(matches.eval("v/42/battery", "v/+/battery")).isTrue();
        assertThat(matches.eval("v/42/x/battery", "v/+/battery")).isFalse();
        assertThat(matches.eval("v//battery", "v/+/battery")).isTrue();
        assertThat(matches.eval("v/42", "v/+/battery")).isFalse();
    }

    @Test
    void hashMatchesTheRestAndTheParent() {
        assertThat(matches.eval("v/42/battery", "v/#")).isTrue();
        assertThat(matches.eval("v", "v/#")).isTrue();
        assertThat(matches.eval("w/42", "v/#")).isFalse();
        assertThat(matches.eval("anything/at/all", "#")).isTrue();
    }

    @Test
    void exactFilterMatchesOnlyItself() {
        assertThat(matches.eval("v/42", "v/42")).isTrue();
        assertThat(matches.eval("v/42/", "v/42")).isFalse();
        assertThat(matches.eval("V/42", "v/42")).isFalse();
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() {
        assertThat(matches.eval("$SYS/broker/uptime", "#")).isFalse();
        assertThat(matches.eval("$SYS/broker/uptime", "+/broker/uptime")).isFalse();
        assertThat(matches.eval("$SYS/broker/uptime", "$SYS/#")).isTrue();
    }

    @Test
    void invalidFiltersAreErrorsNamingTheFilter() {
        assertThatThrownBy(() -> matches.eval("a/b", "a/#/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MQTT_TOPIC_MATCHES: Invalid topic filter 'a/#/b': '#' must be the last level");
        assertThatThrownBy(() -> matches.eval("a/b", "+x"))
                .hasMessageContaining("Invalid topic filter '+x': '+' must occupy a whole level");
        assertThatThrownBy(() -> matches.eval("a/b", "")).hasMessageContaining("must not be empty");
    }

    @Test
    void validFilterAfterAnInvalidOneStillWorks() {
        assertThatThrownBy(() -> matches.eval("a/b", "a#"));
        assertThat(matches.eval("a/b", "a/+")).isTrue();
    }

    @Test
    void emptyLevelsAndLevelCountsMatchLikeSplittingTheTopic() {
        assertThat(matches.eval("", "+")).isTrue();
        assertThat(matches.eval("", "#")).isTrue();
        assertThat(matches.eval("a/", "a/+")).isTrue();
        assertThat(matches.eval("a/", "a")).isFalse();
        assertThat(matches.eval("a", "a/+")).isFalse();
        assertThat(matches.eval("/a", "+/a")).isTrue();
        assertThat(matches.eval("ab/c", "a/c")).isFalse();
        assertThat(matches.eval("a/bc", "a/b")).isFalse();
    }

    @Test
    void aChangingFilterIsRecompiled() {
        assertThat(matches.eval("a/b", "a/b")).isTrue();
        assertThat(matches.eval("a/b", "a/c")).isFalse();
        assertThat(matches.eval("a/c", "a/c")).isTrue();
    }

    @Test
    void nullsGiveNull() {
        assertThat(matches.eval(null, "#")).isNull();
        assertThat(matches.eval("a", null)).isNull();
    }
}
