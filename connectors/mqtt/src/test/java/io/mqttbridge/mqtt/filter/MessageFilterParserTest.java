package io.mqttbridge.mqtt.filter;

import io.mqttbridge.mqtt.MqttMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The message-filter syntax: one test per operator (on matching and non-matching messages) and per error. */
class MessageFilterParserTest {

    /** QoS 1, not retained, topic vehicles/v7/battery, user properties k1=v1 and region=eu-1. */
    private static final MqttMessage V7 = message("vehicles/v7/battery", 1, false, Map.of("k1", "v1", "region", "eu-1"));
    /** QoS 0, retained, topic vehicles/v8/state, no user properties. */
    private static final MqttMessage V8 = message("vehicles/v8/state", 0, true, Map.of());

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // the example
                "$QoS = 1 AND k1 = 'v1'                      | true  | false",
                "$qos = 0                                    | false | true",
                "$QoS <> 0                                   | true  | false",
                "$QoS < 1                                    | false | true",
                "$QoS <= 0                                   | false | true",
                "$QoS > 0                                    | true  | false",
                "$QoS >= 1                                   | true  | false",
                "$QoS = -1                                   | false | false",
                "$topic = 'vehicles/v7/battery'              | true  | false",
                "$topic <> 'vehicles/v7/battery'             | false | true",
                "$retained                                   | false | true",
                "$retained = TRUE                            | false | true",
                "$retained = false                           | true  | false",
                "NOT $retained                               | true  | false",
                "$topic IN ('vehicles/v8/state', 'x')        | false | true",
                "$QoS IN (1, 2)                              | true  | false",
                "$topic NOT IN ('vehicles/v8/state')         | true  | false",
                "$topic LIKE 'vehicles/%/battery'            | true  | false",
                "$topic LIKE 'vehicles/v_/%'                 | true  | true",
                "$topic NOT LIKE '%battery'                  | false | true",
                "$topic LIKE 'vehicles'                      | false | false",
                "k1 IS NULL                                  | false | true",
                "k1 IS NOT NULL                              | true  | false",
                "$QoS = 0 OR region = 'eu-1'                 | true  | true",
                "NOT ($QoS = 1 AND k1 = 'v1')                | false | true",
                "($QoS = 0 OR k1 = 'v1') AND NOT $retained   | true  | false",
                "\"region\" = 'eu-1'                         | true  | false",
                "region LIKE 'eu-_'                          | true  | false",
                "$Topic like '%.%' or $TOPIC like '%/v8/%'   | false | true",
            })
    void eachOperatorKeepsExactlyTheMatchingMessages(String filter, boolean keepsV7, boolean keepsV8) {
        MessageFilter parsed = MessageFilterParser.parse(filter);
        assertThat(parsed.accepts(V7)).as("%s on V7", filter).isEqualTo(keepsV7);
        assertThat(parsed.accepts(V8)).as("%s on V8", filter).isEqualTo(keepsV8);
        assertThat(MessageFilterParser.parse(parsed.toString()))
                .as("its text (%s) parses to the same filter", parsed)
                .isEqualTo(parsed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // SQL's three-valued logic: a comparison with an absent property is unknown, and so is its NOT
                "k1 = 'v1'                  | false",
                "k1 <> 'v1'                 | false",
                "NOT (k1 = 'v1')            | false",
                "k1 IN ('v1')               | false",
                "k1 LIKE '%'                | false",
                "k1 = 'v1' OR $QoS = 0      | true",
                "NOT (k1 = 'v1' AND $QoS = 1) | true",
            })
    void aComparisonWithAnAbsentPropertyIsUnknownAsInSql(String filter, boolean keepsV8) {
        assertThat(MessageFilterParser.parse(filter).accepts(V8)).isEqualTo(keepsV8);
    }

    @Test
    void quotesInsideLiteralsAndNamesAreDoubled() {
        MqttMessage message = message("a", 1, false, Map.of("it's", "o'clock"));
        MessageFilter filter = MessageFilterParser.parse("\"it's\" = 'o''clock'");
        assertThat(filter.accepts(message)).isTrue();
        assertThat(filter.toString()).isEqualTo("\"it's\" = 'o''clock'");
    }

    @Test
    void aPropertyNamedLikeAKeywordIsQuotedInTheText() {
        MqttMessage message = message("a", 1, false, Map.of("in", "x"));
        MessageFilter filter = MessageFilterParser.parse("\"in\" = 'x'");
        assertThat(filter.accepts(message)).isTrue();
        assertThat(filter.toString()).isEqualTo("\"in\" = 'x'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "$QoS = 1 AND                 | expected an attribute ($topic, $QoS, $retained, or a user property name), NOT or '(' at position 13, found the end of the filter",
                "$QoS == 1                    | expected an integer literal for $QoS at position 7, found '='",
                "$qos = '1'                   | expected an integer literal for $QoS at position 8, found ''1''",
                "$topic = 1                   | expected a string literal ('...') for $topic at position 10, found '1'",
                "$retained = 'yes'            | expected TRUE or FALSE for $retained at position 13, found ''yes''",
                "k1 = 'v1                     | expected the closing ' of the text that starts at position 6, found ''v1'",
                "$payload = 'x'               | expected $topic, $QoS or $retained at position 1, found '$payload'",
                "k1 'v1'                      | expected an operator (=, <>, <, <=, >, >=, IN, NOT IN, LIKE, NOT LIKE, IS NULL, IS NOT NULL) at position 4, found ''v1''",
                "($QoS = 1                    | expected ')', AND or OR at position 10, found the end of the filter",
                "$QoS = 1 k1 = 'v1'           | expected AND, OR or the end of the filter at position 10, found 'k1'",
                "k1 IS 'x'                    | expected NULL or NOT NULL at position 7, found ''x''",
                "k1 IS NOT x                  | expected NULL at position 11, found 'x'",
                "k1 NOT = 'x'                 | expected IN or LIKE after NOT at position 8, found '='",
                "$QoS IN 1                    | expected '(' and a list of values at position 9, found '1'",
                "$QoS IN (1 2)                | expected ',' or ')' at position 12, found '2)'",
                "$QoS LIKE '1'                | expected LIKE after a string attribute ($topic or a user property), not after $QoS at position 1, found '$QoS'",
                "$topic > 'a'                 | expected = or <> after $topic (ordering comparisons are for $QoS) at position 8, found '>'",
                "AND = 'x'                    | expected an attribute ($topic, $QoS, $retained, or a user property name), NOT or '(' at position 1, found 'AND'",
                "$QoS = 99999999999999999999  | expected an integer literal for $QoS at position 8, found '99999999999999999999'",
            })
    void aSyntaxErrorNamesWhatWasExpectedAndItsPosition(String filter, String message) {
        assertThatThrownBy(() -> MessageFilterParser.parse(filter))
                .isInstanceOf(MessageFilterSyntaxException.class)
                .hasMessage(message);
    }

    @Test
    void anEmptyFilterNamesTheMissingAttribute() {
        assertThatThrownBy(() -> MessageFilterParser.parse("  "))
                .hasMessage("expected an attribute ($topic, $QoS, $retained, or a user property name), NOT or '(' at position 3, "
                        + "found the end of the filter");
    }

    static MqttMessage message(String topic, int qos, boolean retained, Map<String, String> properties) {
        return MqttMessage.builder()
                .setTopic(topic)
                .setPayload("{}".getBytes(StandardCharsets.UTF_8))
                .setQos(qos)
                .setRetained(retained)
                .setUserProperties(properties)
                .build();
    }
}
