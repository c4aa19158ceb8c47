package io.mqttbridge.tests.reliability;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.embedded.NumberedSequence;
import io.mqttbridge.tests.support.RouteJob;
import io.mqttbridge.tests.support.TestBroker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure kind "Kafka broker restart": while three publishers send the numbered sequence at a steady
 * rate through an MQTT -> Kafka route (Mosquitto, and Artemis; at-least-once Kafka sink), the Kafka broker is
 * stopped {@link FailureRun#injections()} times at a random moment (seeded, seed printed), stays
 * down for 1-3 s and starts again on the same port with the same data folder ({@link
 * EmbeddedKafka#stopBroker()}). Meanwhile the sink cannot make records durable, so no checkpoint
 * covering them completes and the source acknowledges nothing of them; the producer either
 * delivers them once the broker is back, or the checkpoint fails, the job restarts from the last
 * completed checkpoint (restart strategy fixed-delay) and the broker redelivers what was not
 * acknowledged. Expected: lost 0; duplicates (redelivered records) are reported.
 */
class KafkaRestartITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final int PUBLISHERS = 3;
    /** Publishing lasts ~30 s in the short form: a stop and its recovery take ~10 s here, both restarts land under load. */
    private static final int PER_SECOND = 100;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestBroker.Kind.class, names = {"MOSQUITTO", "ARTEMIS"})
    void kafkaRestartLosesNothing(TestBroker.Kind brokerKind, @TempDir Path tmp) throws Exception {
        FailureRun.skipArtemisInLongForm(brokerKind);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int injections = FailureRun.injections();
        long total = FailureRun.messages();
        System.out.printf("Kafka broker restart on %s: seed %d, %d injections, %d messages%n", brokerKind, seed, injections, total);

        String base = "kafka-restart-" + UUID.randomUUID().toString().substring(0, 8);
        Path routes = NumbersToKafka.routes(tmp, base, "numbers", "");
        Configuration restarts = new Configuration();
        restarts.setString("restart-strategy.type", "fixed-delay");
        restarts.setString("restart-strategy.fixed-delay.attempts", "1000");
        restarts.setString("restart-strategy.fixed-delay.delay", "1 s");

        List<MqttTestPublisher> publishers = new ArrayList<>();
        try (TestBroker broker = TestBroker.start(brokerKind, tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(FreePorts.pick(), tmp.resolve("kafka"))) {
            kafka.createTopic("numbers", 1);
            Map<String, String> env = Map.of("MQTT_URI", broker.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
            try (KafkaTopicReader reader = KafkaTopicReader.open(kafka.bootstrapServers(), "numbers", false);
                    RouteJob job = RouteJob.submit(routes, env, restarts)) {
                NumbersToKafka.awaitProbe(broker.serverUri(), base, "start", reader, job);
                for (int i = 0; i < PUBLISHERS; i++) {
                    publishers.add(MqttTestPublisher.connect(broker.serverUri()));
                }
                Duration recovery = Duration.ZERO;
                try (NumberedSequence sequence = MqttTestPublisher.startSequence(publishers, base + "/n", total, PER_SECOND, Long::toString)) {
                    for (int i = 1; i <= injections; i++) {
                        Thread.sleep(1000 + random.nextInt(1500));
                        long stopped = System.nanoTime();
                        long sentAtStop = sequence.sent();
                        kafka.stopBroker();
                        Thread.sleep(1000 + random.nextInt(2000));
                        kafka.startBroker();
                        // Recovered once a number published after the broker came back is in Kafka (or, when
                        // publishing ended meanwhile - stopping the broker can take seconds - every number).
                        long sentAtStart = sequence.sent();
                        reader.readUntil(r -> sentAtStart >= total
                                        ? reader.numbers(NumbersToKafka::number).complete(1, total)
                                        : reader.numbers(NumbersToKafka::number).distinct().higher(sentAtStart) != null,
                                Duration.ofSeconds(180), "a number above " + sentAtStart + " after restart " + i, job::assertRunning);
                        Duration took = Duration.ofNanos(System.nanoTime() - stopped);
                        recovery = took.compareTo(recovery) > 0 ? took : recovery;
                        System.out.printf("Kafka broker restart %d: stopped at number %d, records flowed again after %d ms%n",
                                i, sentAtStop, took.toMillis());
                        assertThat(sentAtStop).as("the restart lands under load: publishing had not ended").isLessThan(total);
                    }
                    // The injections are done: the rest only has to arrive.
                    sequence.unthrottle();
                    NumbersToKafka.await("the broker to acknowledge all " + total, FailureRun.bound(total, PER_SECOND), sequence::done);
                }
                reader.readUntil(r -> reader.numbers(NumbersToKafka::number).complete(1, total), Duration.ofSeconds(180),
                        "all " + total + " numbers", job::assertRunning);
                KafkaTopicReader.Numbers numbers = NumbersToKafka.read(reader);
                long lost = total - numbers.distinct().subSet(1L, true, total, true).size();
                new FailureRun("Kafka broker restart", brokerKind.name(), injections, total, lost, numbers.duplicates(), 0, recovery).report();
                assertThat(lost).as("lost").isZero();
            } finally {
                publishers.forEach(MqttTestPublisher::close);
            }
        }
    }
}
