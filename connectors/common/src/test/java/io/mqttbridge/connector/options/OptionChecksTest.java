package io.mqttbridge.connector.options;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionChecksTest {

    private static final ConfigOption<String> NAME = ConfigOptions.key("name").stringType().noDefaultValue();
    private static final ConfigOption<Integer> COUNT = ConfigOptions.key("count").intType().defaultValue(5);
    private static final ConfigOption<Duration> WAIT =
            ConfigOptions.key("wait").durationType().defaultValue(Duration.ofSeconds(1));
    private static final ConfigOption<Duration> WAIT_MAX =
            ConfigOptions.key("wait-max").durationType().defaultValue(Duration.ofSeconds(10));

    @Test
    void requiredStringIsTrimmedAndBlankCountsAsMissing() {
        Configuration config = new Configuration();
        assertThatThrownBy(() -> OptionChecks.requireString(config, NAME, "a name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing required option 'name': expected a name");
        config.set(NAME, "  ");
        assertThatThrownBy(() -> OptionChecks.requireString(config, NAME, "a name"))
                .hasMessage("Missing required option 'name': expected a name");
        assertThat(OptionChecks.optionalString(config, NAME)).isNull();
        config.set(NAME, " x ");
        assertThat(OptionChecks.requireString(config, NAME, "a name")).isEqualTo("x");
    }

    @Test
    void intRangesNameTheBounds() {
        Configuration config = new Configuration();
        assertThat(OptionChecks.intInRange(config, COUNT, 1, 5)).isEqualTo(5);
        config.set(COUNT, 6);
        assertThatThrownBy(() -> OptionChecks.intInRange(config, COUNT, 1, 5))
                .hasMessage("Invalid value '6' for option 'count': expected a whole number from 1 to 5");
        assertThatThrownBy(() -> OptionChecks.atLeast(COUNT, 0, 1))
                .hasMessage("Invalid value '0' for option 'count': expected a whole number of at least 1");
        assertThat(OptionChecks.atLeast(COUNT, 1, 1)).isEqualTo(1);
    }

    @Test
    void durationsAreShownAsWrittenInSql() {
        Configuration config = new Configuration();
        config.set(WAIT, Duration.ZERO);
        assertThatThrownBy(() -> OptionChecks.positiveDuration(config, WAIT))
                .hasMessage("Invalid value '0 ms' for option 'wait': expected a positive duration such as '500 ms' or '10 s'");
        config.set(WAIT, Duration.ofMillis(1));
        assertThat(OptionChecks.positiveDuration(config, WAIT)).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> OptionChecks.notShorter(WAIT_MAX, Duration.ofMillis(500), WAIT, Duration.ofSeconds(2)))
                .hasMessage("Invalid value '500 ms' for option 'wait-max': expected a duration not shorter than option 'wait' (2 s)");
        OptionChecks.notShorter(WAIT_MAX, Duration.ofSeconds(2), WAIT, Duration.ofSeconds(2));
    }

    @Test
    void choicesIgnoreCaseAndReturnTheCanonicalSpelling() {
        assertThat(OptionChecks.oneOf(NAME, "put", "POST", "PUT")).isEqualTo("PUT");
        assertThatThrownBy(() -> OptionChecks.oneOf(NAME, "GET", "POST", "PUT", "PATCH"))
                .hasMessage("Invalid value 'GET' for option 'name': expected 'POST', 'PUT' or 'PATCH'");
    }

    @Test
    void uriNeedsAnAcceptedSchemeAndAHostAndHidesCredentials() {
        Set<String> schemes = Set.of("http", "https");
        assertThat(OptionChecks.uri(NAME, "HTTPS://h:8/p?q=1", schemes, "an http URL").getHost()).isEqualTo("h");
        assertThatThrownBy(() -> OptionChecks.uri(NAME, "ftp://user:pw@h/x?code=SECRET", schemes, "an http URL"))
                .hasMessage("Invalid value 'ftp://h/x?…' for option 'name': expected an http URL");
        assertThatThrownBy(() -> OptionChecks.uri(NAME, "h:8090", schemes, "an http URL"))
                .hasMessage("Invalid value 'h:8090' for option 'name': expected an http URL");
        assertThatThrownBy(() -> OptionChecks.uri(NAME, "http://a b/?code=SECRET", schemes, "an http URL"))
                .hasMessage("Invalid value 'http://a b/?…' for option 'name': expected an http URL");
        assertThat(OptionChecks.redact(URI.create("https://u:p@fn.example.com/api?code=S"))).isEqualTo("https://fn.example.com/api?…");
    }
}
