package io.mqttbridge.connector.options;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

import javax.annotation.Nullable;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The option checks of every connector, with one wording for the two ways an option can be wrong:
 *
 * <pre>
 * Invalid value 'x' for option 'k': expected ...
 * Missing required option 'k': expected ...
 * </pre>
 *
 * <p>"expected ..." tells the user what to write instead (the accepted values or range), so the
 * message alone is enough to fix the route. Every check throws {@link IllegalArgumentException};
 * table factories wrap it in a {@code ValidationException}. Durations are shown as written in SQL
 * ('500 ms'), never as ISO-8601.
 */
@Internal
public final class OptionChecks {

    private OptionChecks() {}

    /** "Invalid value 'x' for option 'k': expected ...". Never pass a secret as {@code value}. */
    public static IllegalArgumentException invalid(ConfigOption<?> option, Object value, String expected) {
        return invalid(option.key(), value, expected);
    }

    /** As {@link #invalid(ConfigOption, Object, String)} for a key without a ConfigOption (e.g. 'headers.&lt;Name&gt;'). */
    public static IllegalArgumentException invalid(String key, Object value, String expected) {
        return new IllegalArgumentException(
                "Invalid value '" + show(value) + "' for option '" + key + "': expected " + expected);
    }

    /** "Missing required option 'k': expected ...". */
    public static IllegalArgumentException missing(ConfigOption<?> option, String expected) {
        return new IllegalArgumentException("Missing required option '" + option.key() + "': expected " + expected);
    }

    /** The trimmed value; unset or blank is {@link #missing}. */
    public static String requireString(ReadableConfig config, ConfigOption<String> option, String expected) {
        String value = optionalString(config, option);
        if (value == null) {
            throw missing(option, expected);
        }
        return value;
    }

    /** The trimmed value, or null when unset or blank (a blank value in SQL means "not given"). */
    @Nullable
    public static String optionalString(ReadableConfig config, ConfigOption<String> option) {
        String value = config.getOptional(option).map(String::trim).orElse(null);
        return value == null || value.isEmpty() ? null : value;
    }

    /** One of {@code choices}, compared ignoring case; returns the choice as spelled in {@code choices}. */
    public static String oneOf(ConfigOption<String> option, String value, String... choices) {
        for (String choice : choices) {
            if (choice.equalsIgnoreCase(value.trim())) {
                return choice;
            }
        }
        throw invalid(option, value, choices(choices));
    }

    /** {@code config.get(option)} within {@code min .. max}. */
    public static int intInRange(ReadableConfig config, ConfigOption<Integer> option, int min, int max) {
        return inRange(option, config.get(option), min, max);
    }

    /** {@code value} within {@code min .. max}. */
    public static int inRange(ConfigOption<Integer> option, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(option, value, "a whole number from " + min + " to " + max);
        }
        return value;
    }

    /** {@code value} of at least {@code min}, for counts without a natural upper bound. */
    public static int atLeast(ConfigOption<Integer> option, int value, int min) {
        if (value < min) {
            throw invalid(option, value, "a whole number of at least " + min);
        }
        return value;
    }

    /** {@code config.get(option)} greater than zero. */
    public static Duration positiveDuration(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = config.get(option);
        if (value.isZero() || value.isNegative()) {
            throw invalid(option, value, "a positive duration such as '500 ms' or '10 s'");
        }
        return value;
    }

    /** {@code upper} must not be shorter than {@code lower} (a backoff cap and its start, say). */
    public static void notShorter(
            ConfigOption<Duration> upper, Duration upperValue, ConfigOption<Duration> lower, Duration lowerValue) {
        if (upperValue.compareTo(lowerValue) < 0) {
            throw invalid(
                    upper,
                    upperValue,
                    "a duration not shorter than option '" + lower.key() + "' (" + show(lowerValue) + ")");
        }
    }

    /**
     * {@code value} as an absolute URI with one of {@code schemes} (lower case) and a host. The error
     * shows the value without user info and query ({@link #redact}): both may hold credentials.
     */
    public static URI uri(ConfigOption<String> option, String value, Set<String> schemes, String expected) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            int query = value.indexOf('?');
            throw invalid(option, query < 0 ? value : value.substring(0, query) + "?…", expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme) || uri.getHost() == null) {
            throw invalid(option, redact(uri), expected);
        }
        return uri;
    }

    /** The URI without user info and with its query shown as '?…': how a URI may appear in logs and errors. */
    public static String redact(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) {
            // not hierarchical with a host: nothing to keep apart, but still no query
            String s = uri.toString();
            int query = s.indexOf('?');
            return query < 0 ? s : s.substring(0, query) + "?…";
        }
        StringBuilder s = new StringBuilder(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            s.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            s.append("?…");
        }
        return s.toString();
    }

    /** "'a', 'b' or 'c'". */
    public static String choices(String... choices) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < choices.length; i++) {
            if (i > 0) {
                s.append(i == choices.length - 1 ? " or " : ", ");
            }
            s.append('\'').append(choices[i]).append('\'');
        }
        return s.toString();
    }

    private static String show(Object value) {
        return value instanceof Duration ? TimeUtils.formatWithHighestUnit((Duration) value) : String.valueOf(value);
    }
}
