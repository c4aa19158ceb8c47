package io.mqttbridge.mqtt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttTopicFilterTest {

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

    @ParameterizedTest
    @CsvSource({
        "a/#, a/+/b", "a/#, a", "a, a", "#, x/y", "+/b, a/+", "a/+/#, a/b", "a/+, a/#", "+, x", "/a, +/a", "$share/g/a/#, a/b",
        "$SYS/#, $SYS/+"
    })
    void filtersThatATopicMatchesBothOverlap(String a, String b) {
        assertThat(MqttTopicFilter.overlaps(a, b)).isTrue();
        assertThat(MqttTopicFilter.overlaps(b, a)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"a/b, a/c", "a/+, a/b/c", "a/+/b, a/+/c", "a, a/b", "#, $SYS/x", "+/x, $SYS/x", "a/b/#, a/c/#", "+/+, a"})
    void filtersThatNoTopicMatchesBothDoNotOverlap(String a, String b) {
        assertThat(MqttTopicFilter.overlaps(a, b)).isFalse();
        assertThat(MqttTopicFilter.overlaps(b, a)).isFalse();
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

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(
            delimiter = '|',
            textBlock = """
                # '+' is exactly one level, an empty one too
                v/+/battery      | v/42/battery        | true
                v/+/battery      | v//battery          | true
                v/+/battery      | v/42/x/battery      | false
                v/+/battery      | v/42                | false
                +                | a                   | true
                +                | a/b                 | false
                +/+              | /                   | true
                # '#' is the rest of the topic and the parent level
                v/#              | v/42/battery        | true
                v/#              | v                   | true
                v/#              | v/                  | true
                v/#              | vw/1                | false
                '#'              | a/b/c               | true
                v/+/#            | v/42                | true
                v/+/#            | v                   | false
                # literal levels match exactly and case-sensitively
                v/42             | v/42                | true
                v/42             | V/42                | false
                v/42             | v/42/               | false
                v/42             | v/4                 | false
                a/b              | ab/                 | false
                # a leading wildcard does not match a topic starting with '$'; '$' further on is ordinary
                '#'              | $SYS/broker/uptime  | false
                +/broker/uptime  | $SYS/broker/uptime  | false
                $SYS/#           | $SYS/broker/uptime  | true
                $SYS/+/uptime    | $SYS/broker/uptime  | true
                a/+              | a/$x                | true
                # a shared subscription matches what its filter matches; prefix and share name are no levels
                $share/g/v/+/battery | v/42/battery    | true
                $share/g/v/+/battery | v/42/temp       | false
                $share/g/#       | a/b                 | true
                $share/g/#       | $SYS/broker/uptime  | false
                $share/g/a       | a                   | true
                $share/g/a       | $share/g/a          | false
                """)
    void matchesAsMqttDefinesIt(String filter, String topic, boolean expected) {
        assertThat(MqttTopicFilter.compile(filter).matches(topic)).isEqualTo(expected);
    }
}
