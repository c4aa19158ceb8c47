package io.mqttbridge.mqtt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttTopicFilterTest {

    private static boolean matches(String filter, String topic) {
        return MqttTopicFilter.compile(filter).matches(topic);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b", "#", "+", "a/+/b", "a/#", "+/+", "/", "a//b", "$SYS/#", "$share/g/a/#", "$share/g/#", "$share/g/+/b"})
    void acceptsValidFilters(String filter) {
        assertThatCode(() -> MqttTopicFilter.validate(filter)).doesNotThrowAnyException();
        assertThat(MqttTopicFilter.compile(filter).filter()).isEqualTo(filter);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "a/#/b     | Invalid topic filter 'a/#/b': '#' must be the last level",
                "a#        | Invalid topic filter 'a#': '#' must occupy a whole level, found 'a#'",
                "a/b#      | Invalid topic filter 'a/b#': '#' must occupy a whole level, found 'b#'",
                "+x        | Invalid topic filter '+x': '+' must occupy a whole level, found '+x'",
                "a/+b/c    | Invalid topic filter 'a/+b/c': '+' must occupy a whole level, found '+b'",
                "$share/g/a/#/b | Invalid topic filter '$share/g/a/#/b': '#' must be the last level",
                "$share/g/ | Invalid topic filter '$share/g/': no topic filter after the share name",
                "$share/g  | Invalid topic filter '$share/g': a shared subscription is '$share/<share name>/<filter>', the share name at least one character without '/', '+' or '#'",
                "$share//a | Invalid topic filter '$share//a': a shared subscription is '$share/<share name>/<filter>', the share name at least one character without '/', '+' or '#'",
                "$share/+/a | Invalid topic filter '$share/+/a': a shared subscription is '$share/<share name>/<filter>', the share name at least one character without '/', '+' or '#'",
                "$share/g#/a | Invalid topic filter '$share/g#/a': a shared subscription is '$share/<share name>/<filter>', the share name at least one character without '/', '+' or '#'"
            })
    void rejectsInvalidFiltersNamingTheFilterAndTheFault(String filter, String message) {
        assertThatThrownBy(() -> MqttTopicFilter.validate(filter))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> MqttTopicFilter.compile(filter)).hasMessage(message);
    }

    @Test
    void rejectsEmptyAndNulFilters() {
        assertThatThrownBy(() -> MqttTopicFilter.validate(""))
                .hasMessage("Invalid topic filter '': a filter must not be empty");
        assertThatThrownBy(() -> MqttTopicFilter.validate(null))
                .hasMessage("Invalid topic filter '': a filter must not be empty");
        assertThatThrownBy(() -> MqttTopicFilter.validate("a/\u0000"))
                .hasMessage("Invalid topic filter 'a/\u0000': contains the NUL character");
    }

    @Test
    void parseListSplitsAtCommasTrimsAndValidatesEach() {
        assertThat(MqttTopicFilter.parseList(" a/+ , b/#,c")).containsExactly("a/+", "b/#", "c");
        assertThatThrownBy(() -> MqttTopicFilter.parseList("a/+, b/#/c"))
                .hasMessage("Invalid topic filter 'b/#/c': '#' must be the last level");
        assertThatThrownBy(() -> MqttTopicFilter.parseList("a,,b"))
                .hasMessage("Invalid topic filter '': a filter must not be empty");
        assertThatThrownBy(() -> MqttTopicFilter.parseList("  "))
                .hasMessage("No topic filter given: expected one or more filters, comma-separated");
        assertThatThrownBy(() -> MqttTopicFilter.parseList(null))
                .hasMessage("No topic filter given: expected one or more filters, comma-separated");
    }

    @Test
    void plusMatchesExactlyOneLevelIncludingAnEmptyOne() {
        assertThat(matches("v/+/battery", "v/42/battery")).isTrue();
        assertThat(matches("v/+/battery", "v//battery")).isTrue();
        assertThat(matches("v/+/battery", "v/42/x/battery")).isFalse();
        assertThat(matches("v/+/battery", "v/42")).isFalse();
        assertThat(matches("+", "a")).isTrue();
        assertThat(matches("+", "a/b")).isFalse();
        assertThat(matches("+/+", "/")).isTrue();
    }

    @Test
    void hashMatchesTheRestAndTheParentLevel() {
        assertThat(matches("v/#", "v/42/battery")).isTrue();
        assertThat(matches("v/#", "v")).isTrue();
        assertThat(matches("v/#", "v/")).isTrue();
        assertThat(matches("v/#", "vw/1")).isFalse();
        assertThat(matches("#", "a/b/c")).isTrue();
        assertThat(matches("v/+/#", "v/42")).isTrue();
        assertThat(matches("v/+/#", "v")).isFalse();
    }

    @Test
    void literalLevelsMatchExactlyAndCaseSensitively() {
        assertThat(matches("v/42", "v/42")).isTrue();
        assertThat(matches("v/42", "V/42")).isFalse();
        assertThat(matches("v/42", "v/42/")).isFalse();
        assertThat(matches("v/42", "v/4")).isFalse();
        assertThat(matches("a/b", "ab/")).isFalse();
    }

    @Test
    void dollarTopicsAreNotMatchedByALeadingWildcard() {
        assertThat(matches("#", "$SYS/broker/uptime")).isFalse();
        assertThat(matches("+/broker/uptime", "$SYS/broker/uptime")).isFalse();
        assertThat(matches("$SYS/#", "$SYS/broker/uptime")).isTrue();
        assertThat(matches("$SYS/+/uptime", "$SYS/broker/uptime")).isTrue();
        // Only the first level counts: '$' further on is an ordinary character.
        assertThat(matches("a/+", "a/$x")).isTrue();
    }

    @Test
    void aSharedSubscriptionMatchesWhatItsFilterMatches() {
        assertThat(matches("$share/g/v/+/battery", "v/42/battery")).isTrue();
        assertThat(matches("$share/g/v/+/battery", "v/42/temp")).isFalse();
        assertThat(matches("$share/g/#", "a/b")).isTrue();
        assertThat(matches("$share/g/#", "$SYS/broker/uptime")).isFalse();
        // The share name and the prefix are not topic levels.
        assertThat(matches("$share/g/a", "$share/g/a")).isFalse();
        assertThat(matches("$share/g/a", "a")).isTrue();
    }
}
