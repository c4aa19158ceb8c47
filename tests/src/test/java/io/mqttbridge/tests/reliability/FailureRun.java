package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.support.TestBroker;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * The outcome of one kind of the failure-injection suite: what was injected and what a durable sink
 * (Kafka, the function endpoint's log) holds afterwards, counted from a numbered sequence.
 *
 * <p>The suite runs in two forms. The short form (the default, part of {@code ./test}) injects
 * {@link #injections()} = 2 failures per kind; the long form ({@code -Dreliability.long=true}, see
 * docs/reliability.md) injects 10 and writes its rows to {@code tests/target/reliability/results.md},
 * from which docs/reliability.md is updated by hand.
 *
 * @param kind what was injected, e.g. "TaskManager SIGKILL"
 * @param broker the MQTT broker of the run
 * @param injected failures injected
 * @param sent messages the publishers had acknowledged by the broker
 * @param lost numbers missing from the sink
 * @param duplicates records of a number beyond its first
 * @param reportedLost what the job reported as lost or skipped (0 where loss is not an expected outcome)
 * @param recovery longest time from an injection until records flowed again
 */
public record FailureRun(
        String kind, String broker, int injected, long sent, long lost, long duplicates, long reportedLost, Duration recovery) {

    static final boolean LONG_FORM = Boolean.getBoolean("reliability.long");

    /** Failures to inject per kind: 2 in the short form, 10 in the long form. */
    public static int injections() {
        return LONG_FORM ? 10 : 2;
    }

    /** Messages per run: enough load that an injection lands among messages in flight. */
    public static int messages() {
        return LONG_FORM ? 50_000 : 3_000;
    }

    /** The long form runs each kind on one broker: the Artemis variants of the short form are skipped there. */
    static void skipArtemisInLongForm(TestBroker.Kind broker) {
        Assumptions.assumeFalse(LONG_FORM && broker == TestBroker.Kind.ARTEMIS, "the long form runs each kind on one broker");
    }

    /**
     * The publishing rate of a run: {@code shortFormRate} in the short form; in the long form slow enough
     * that the load lasts through every injection (about 15 s each for the pause, the injection and the
     * recovery on a loaded machine), since an injection needs messages in flight.
     */
    public static int rate(long count, int shortFormRate) {
        return LONG_FORM ? (int) Math.max(50, Math.min(shortFormRate, count / (injections() * 15L))) : shortFormRate;
    }

    /** How long to wait for a whole sequence at {@code perSecond}: a bound against hanging that grows with the run. */
    public static Duration bound(long count, int perSecond) {
        return Duration.ofSeconds(120 + 2 * count / Math.max(1, perSecond));
    }

    /** Appends this run as a row of tests/target/reliability/results.md (the long form's table). */
    public FailureRun report() throws IOException {
        Path file = RepositoryRoot.path().resolve("tests/target/reliability/results.md");
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, "| kind | broker | failures injected | sent | lost | duplicates | reported lost/skipped | recovery |\n"
                    + "|---|---|---|---|---|---|---|---|\n", StandardCharsets.UTF_8);
        }
        String row = String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %.1f s |%n",
                kind, broker, injected, sent, lost, duplicates, reportedLost, recovery.toMillis() / 1000.0);
        Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        System.out.print("RELIABILITY " + row);
        return this;
    }
}
