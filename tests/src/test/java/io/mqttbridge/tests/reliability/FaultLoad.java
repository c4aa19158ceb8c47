package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workload of the network, checkpoint and savepoint kinds: an MQTT broker of a given {@link
 * TestBroker.Kind} (HiveMQ CE or Artemis in the suite), a one-partition
 * Kafka topic, three publishers sending numbers {@code 1..n} (payload: the number) to {@code
 * <base>/n}, and a reader of the topic. Probes ({@code probe-<i>} on {@code <base>/probe}) are counted
 * apart. The random moments of the injections come from one seeded {@link Random}; the seed is
 * printed, and {@code -Dreliability.seed=...} repeats a run.
 */
final class FaultLoad implements AutoCloseable {

    static final String TOPIC = "numbers";

    final String base = "rel-" + UUID.randomUUID().toString().substring(0, 8);
    /** The numbers {@code 1..count} of the run: {@link FailureRun#messages()}. */
    final long count = FailureRun.messages();
    final String kind;
    final TestBroker broker;
    final EmbeddedKafka kafka;
    final List<MqttTestPublisher> publishers = new ArrayList<>();
    final KafkaTopicReader reader;
    final Random random;

    /** Injections so far and the longest recovery among them, for {@link #report}. */
    private int injected;
    private Duration longestRecovery = Duration.ZERO;

    /** The load of the kind {@code kind} on {@code brokerKind}; in the long form not on Artemis (see {@link FailureRun#skipArtemisInLongForm}). */
    static FaultLoad start(String kind, TestBroker.Kind brokerKind, Path tmp) throws Exception {
        FailureRun.skipArtemisInLongForm(brokerKind);
        return new FaultLoad(kind, brokerKind, tmp);
    }

    private FaultLoad(String kind, TestBroker.Kind brokerKind, Path tmp) throws Exception {
        this.kind = kind;
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        System.out.println("RELIABILITY seed of '" + kind + "' on " + brokerKind + ": " + seed
                + " (-Dreliability.seed=" + seed + " repeats it)");
        random = new Random(seed);
        broker = TestBroker.start(brokerKind, tmp.resolve("mqtt"));
        kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
        kafka.createTopic(TOPIC, 1);
        for (int i = 0; i < 3; i++) {
            publishers.add(MqttTestPublisher.connect(broker.serverUri(), base + "-pub-" + i));
        }
        reader = KafkaTopicReader.open(kafka.bootstrapServers(), TOPIC, false);
    }

    /** ${env:...} of {@link #routes}: the MQTT address the route uses (the broker, or a proxy in front of it) and Kafka. */
    Map<String, String> env(String mqttUri) {
        return Map.of("MQTT_URI", mqttUri, "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    }

    /**
     * The route MQTT -> Kafka, at-least-once, shared group {@code <base>}, with {@code mqttOptions}
     * (e.g. {@code 'keep-alive' = '2 s', }) added to the mqtt table's options.
     */
    Path routes(Path folder, String mqttOptions) throws Exception {
        return RouteJob.writeRoutes(folder, base + ".sql", String.join("\n",
                "CREATE TABLE numbers_in (payload STRING) WITH ('connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', "
                        + mqttOptions + "'topic-filter' = '" + base + "/#', 'shared-group' = '" + base + "', "
                        + "'client-id-prefix' = '" + base + "', 'qos' = '1', 'format' = 'raw');",
                "CREATE TABLE numbers_out (payload STRING) WITH ('connector' = 'kafka', 'topic' = '" + TOPIC + "', "
                        + "'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}', 'format' = 'raw', "
                        + "'sink.delivery-guarantee' = 'at-least-once');",
                "INSERT INTO numbers_out SELECT payload FROM numbers_in;"));
    }

    /** Publishes probes until one reaches Kafka: the route's subscriptions are in place. */
    void awaitSubscribed(Runnable checkRunning) {
        reader.awaitFirstRecord(i -> publishers.get(0).publish(base + "/probe", "probe-" + i, 1),
                "probe", Duration.ofSeconds(90), checkRunning);
    }

    /** Starts publishing {@code 1..count} at about {@code perSecond} a second (0: as fast as the broker acknowledges). */
    NumberedSequence startSequence(int perSecond) {
        return MqttTestPublisher.startSequence(publishers, base + "/n", count, perSecond, Long::toString);
    }

    /**
     * Starts publishing {@code 1..count} over about {@code seconds} in the short form (at least 100 a
     * second), in the long form slowly enough to last through every injection ({@link FailureRun#rate}).
     */
    NumberedSequence startSequenceOver(int seconds) {
        return startSequence(FailureRun.rate(count, (int) Math.max(100, count / seconds)));
    }

    /** A random pause in {@code [min, max)} before an injection. */
    Duration randomPause(Duration min, Duration max) {
        return min.plusMillis((long) (random.nextDouble() * (max.toMillis() - min.toMillis())));
    }

    static long number(ConsumerRecord<byte[], byte[]> record) {
        String value = KafkaTopicReader.value(record);
        return value.startsWith("probe-") ? -1 : Long.parseLong(value);
    }

    /** The numbers read so far, after reading what arrived. */
    KafkaTopicReader.Numbers read() {
        reader.poll();
        return reader.numbers(FaultLoad::number);
    }

    /**
     * Waits until a number above {@code sent} (published after the injection; at most {@code count - 1})
     * is in Kafka and counts the injection, with the time since {@code injectedAtNanos} as its
     * recovery. The bound grows with the backlog still ahead of that number (the long form's
     * connection cuts leave thousands).
     */
    void awaitRecovery(long sent, long injectedAtNanos, Runnable checkRunning) {
        long sentBefore = Math.min(sent, count - 1);
        long ahead = Math.max(0, sentBefore - read().distinct().size());
        reader.readUntil(r -> !read().distinct().tailSet(sentBefore + 1).isEmpty(), Duration.ofSeconds(120 + ahead / 50),
                "a number above " + sentBefore + " (published after the injection)", checkRunning);
        Duration recovery = Duration.ofNanos(System.nanoTime() - injectedAtNanos);
        injected++;
        longestRecovery = recovery.compareTo(longestRecovery) > 0 ? recovery : longestRecovery;
    }

    /** One injection: injects the failure and returns the check that the job (a new one, if it replaced it) still runs. */
    interface Injection {
        Runnable inject() throws Exception;
    }

    /**
     * After a random pause, while {@code sequence} is still publishing, injects a failure and waits
     * until a number published after the injection returned reaches Kafka (so it went through the
     * recovered or restored job, not the one that drained before a savepoint); see {@link #awaitRecovery}.
     */
    void injectUnderLoad(NumberedSequence sequence, String what, Injection injection) throws Exception {
        Thread.sleep(randomPause(Duration.ofMillis(300), Duration.ofMillis(1500)).toMillis());
        if (sequence.done()) {
            throw new AssertionError("The load ended before " + what);
        }
        long at = System.nanoTime();
        Runnable checkRunning = injection.inject();
        awaitRecovery(sequence.sent(), at, checkRunning);
    }

    /**
     * After the last injection: publishes the rest of the sequence unpaced, waits until all of it was
     * read back (a bound against hanging, not a timing expectation), reports the run and checks that
     * no number of {@code 1..count} is lost.
     */
    void assertNothingLost(NumberedSequence sequence, Runnable checkRunning) throws Exception {
        sequence.unthrottle();
        reader.readUntil(r -> sequence.done() && read().complete(1, count), Duration.ofSeconds(180 + count / 100),
                "all of 1.." + count, checkRunning);
        KafkaTopicReader.Numbers read = read();
        FailureRun run = report(read);
        assertThat(run.lost()).as("lost; missing: %s", read.missing(1, count)).isZero();
    }

    /** Reports the run: lost = numbers of {@code 1..count} not read. */
    private FailureRun report(KafkaTopicReader.Numbers read) throws Exception {
        long lost = count - read.distinct().subSet(1L, true, count, true).size();
        return new FailureRun(kind, broker.kind().name(), injected, count, lost, read.duplicates(), 0, longestRecovery).report();
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout} (a bound against hanging, not a timing expectation). */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up waiting for " + what + " after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        publishers.forEach(MqttTestPublisher::close);
        reader.close();
        kafka.close();
        broker.close();
    }
}
