package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.options.FailurePolicy;
import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.factories.FactoryUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

import static io.mqttbridge.connector.options.OptionChecks.invalid;
import static io.mqttbridge.connector.options.OptionChecks.missing;
import static io.mqttbridge.connector.options.OptionChecks.optionalString;

/**
 * What an {@code 'mqtt'} table does with a message it cannot turn into a row
 * ({@link MqttTableOptions#DECODE_ERROR_HANDLING}): fail the job, skip it (counted in
 * {@value #SKIPPED}, logged at WARN with topic, packet id and message id, never the payload), or write
 * it to {@code dead-letter.path} (counted in {@value #DEAD_LETTERED}). Skipped and dead-lettered
 * messages are acknowledged like decoded ones; a message that fails the job is not.
 */
@Internal
final class MqttDecodeErrorPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(MqttDecodeErrorPolicy.class);

    /** Counters on the source's deserializer metric group. */
    static final String SKIPPED = "decodeErrorsSkipped";

    static final String DEAD_LETTERED = "decodeErrorsDeadLettered";

    private static final String IGNORE_PARSE_ERRORS = ".ignore-parse-errors";

    private final FailurePolicy handling;
    @Nullable private final MqttDeadLetterWriter deadLetters;
    @Nullable private final String deadLetterPath;

    private transient Counter skipped;
    private transient Counter deadLettered;

    private MqttDecodeErrorPolicy(FailurePolicy handling, @Nullable String deadLetterPath, String table) {
        this.handling = handling;
        this.deadLetterPath = deadLetterPath;
        this.deadLetters = deadLetterPath == null ? null : new MqttDeadLetterWriter(deadLetterPath, table);
    }

    /**
     * Reads and checks the table's options; {@code tableOptions} are the raw ones (for the format's
     * keys), {@code table} names the dead-letter files.
     *
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    static MqttDecodeErrorPolicy from(ReadableConfig options, Map<String, String> tableOptions, String table) {
        FailurePolicy handling = options.get(MqttTableOptions.DECODE_ERROR_HANDLING);
        String path = optionalString(options, MqttTableOptions.DEAD_LETTER_PATH);
        if (handling == FailurePolicy.DEAD_LETTER) {
            if (path == null) {
                throw missing(
                        MqttTableOptions.DEAD_LETTER_PATH,
                        "a directory such as file:///var/dead-letters or s3://bucket/dead-letters, because option '"
                                + MqttTableOptions.DECODE_ERROR_HANDLING.key() + "' is 'dead-letter'");
            }
            try {
                new Path(path);
            } catch (IllegalArgumentException e) {
                throw invalid(MqttTableOptions.DEAD_LETTER_PATH, path, "a directory of a Flink file system (" + e.getMessage() + ")");
            }
        } else if (path != null) {
            // a path that is never written to would suggest that nothing is lost
            throw invalid(MqttTableOptions.DEAD_LETTER_PATH, path,
                    "no value, because option '" + MqttTableOptions.DECODE_ERROR_HANDLING.key() + "' is '" + handling
                            + "'; set it to 'dead-letter' to use the directory");
        }
        if (handling != FailurePolicy.FAIL) {
            // the format would drop the payload before the policy sees an error: no log, no dead letter
            String ignoring = tableOptions.get(FactoryUtil.FORMAT.key()) + IGNORE_PARSE_ERRORS;
            if (Boolean.parseBoolean(tableOptions.getOrDefault(ignoring, "false").trim())) {
                throw invalid(ignoring, "true",
                        "'false' (the default) with '" + MqttTableOptions.DECODE_ERROR_HANDLING.key() + "' = '" + handling
                                + "': the format would drop undecodable payloads before '" + handling
                                + "' sees them; choose one of the two");
            }
        }
        return new MqttDecodeErrorPolicy(handling, path, table);
    }

    void open(MetricGroup group) {
        skipped = group.counter(SKIPPED);
        deadLettered = group.counter(DEAD_LETTERED);
    }

    /**
     * Acts on a message that cannot become a row. {@code failure} names the message and says what to
     * do (it may quote the payload: formats do); {@code reason} says what is wrong without the payload.
     *
     * @throws IOException {@code failure} with 'fail', or when the dead letter cannot be written
     */
    void handle(MqttMessage message, @Nullable String messageId, String describedMessage, IOException failure, String reason)
            throws IOException {
        switch (handling) {
            case SKIP:
                skipped.inc();
                LOG.warn("Skipped the MQTT message on {} ('decode-error-handling' = 'skip'): {}. The payload is not "
                                + "logged; 'dead-letter' would keep it.", describedMessage, reason);
                return;
            case DEAD_LETTER:
                Path file;
                try {
                    file = deadLetters.write(message, messageId, errorText(failure));
                } catch (IOException | RuntimeException e) {
                    throw new IOException("Cannot write the undecodable MQTT message on " + describedMessage
                            + " to 'dead-letter.path' " + deadLetterPath + ": " + e.getMessage()
                            + ". The message is not acknowledged; the broker delivers it again after the restart.", e);
                }
                deadLettered.inc();
                LOG.warn("Wrote the MQTT message on {} to {} ('decode-error-handling' = 'dead-letter'): {}.",
                        describedMessage, file, reason);
                return;
            default:
                throw failure;
        }
    }

    private static String errorText(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" Caused by: ").append(cause);
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttDecodeErrorPolicy
                && handling == ((MqttDecodeErrorPolicy) o).handling
                && Objects.equals(deadLetterPath, ((MqttDecodeErrorPolicy) o).deadLetterPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(handling, deadLetterPath);
    }
}
