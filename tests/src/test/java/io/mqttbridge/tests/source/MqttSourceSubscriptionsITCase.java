package io.mqttbridge.tests.source;

import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceBuilder;
import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.tests.source.SourceTestSupport.JobSpec;
import io.mqttbridge.tests.source.SourceTestSupport.Received;
import io.mqttbridge.tests.support.TestBroker;
import io.mqttbridge.tests.support.TestBrokers;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static io.mqttbridge.tests.source.SourceTestSupport.data;
import static io.mqttbridge.tests.source.SourceTestSupport.runSubscribed;
import static io.mqttbridge.tests.source.SourceTestSupport.runUntilSubscribed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 5, on real brokers: retained messages come once, not again with every SUBSCRIBE of
 * a reconnect or restart; a shared subscription gets none (retain handling 2: Mosquitto 2.0 would send
 * them); a filter removed from a source (default client ids) delivers no more, and once the old
 * session is ended as the docs say, the filter it kept delivers everything.
 */
class MqttSourceSubscriptionsITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(2);

    @RegisterExtension static final TestBrokers BROKERS = new TestBrokers();

    private static final String RETAINED = "retained-state";

    private static MqttSourceBuilder<String> source(TestBroker broker, String... filters) {
        return SourceTestSupport.lineSource(broker.serverUri(), "unused", Duration.ofSeconds(1))
                .setTopicFilters(filters)
                .setQos(1)
                .setAckMode(MqttOptions.AckMode.RECEIPT); // retained or not does not depend on acks
    }

    private static void publishRetained(TestBroker broker, String topic) {
        try (MqttTestPublisher retainer = MqttTestPublisher.connect(broker.serverUri(), "retainer-" + topic.hashCode())) {
            retainer.publish(topic, RETAINED, 1, p -> p.retain(true));
        }
    }

    private static List<String> payloads(String run) {
        return data(run).stream().map(r -> r.payload()).collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(TestBroker.Kind.class)
    void retainedMessageArrivesWithTheFirstSubscriptionButNotAgainAfterARestart(TestBroker.Kind kind) throws Exception {
        TestBroker broker = BROKERS.get(kind);
        String run = SourceTestSupport.newRun("retain-" + kind.name().toLowerCase());
        String base = "it/" + run;
        publishRetained(broker, base + "/state");

        // One subscriber delivers in order: a retained message sent on SUBSCRIBE comes before the first warm-up.
        runUntilSubscribed(broker.serverUri(), new JobSpec(run, source(broker, base + "/#").setClientIdPrefix(run).build()), base);
        assertThat(payloads(run)).as("the new subscription gets the retained message").containsExactly(RETAINED);

        // Same client id: the session holds the subscription, the SUBSCRIBE of the restart repeats it.
        String again = run + "-again";
        runUntilSubscribed(broker.serverUri(), new JobSpec(again, source(broker, base + "/#").setClientIdPrefix(run).build()), base);
        assertThat(payloads(again)).as("messages after the restart").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestBroker.Kind.class)
    void sharedSubscriptionGetsNoRetainedMessage(TestBroker.Kind kind) throws Exception {
        TestBroker broker = BROKERS.get(kind);
        String run = SourceTestSupport.newRun("retain-shared-" + kind.name().toLowerCase());
        String base = "it/" + run;
        publishRetained(broker, base + "/state");

        runUntilSubscribed(broker.serverUri(), new JobSpec(run, source(broker, base + "/#").setSharedGroup("g-" + run).build()), base);
        assertThat(payloads(run)).as("MQTT 5.0 3.3.1.3: retained messages go to new non-shared subscriptions only").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestBroker.Kind.class)
    void filterRemovedFromTheSourceDeliversNoMoreAndTheKeptFilterDeliversEverything(TestBroker.Kind kind) throws Exception {
        TestBroker broker = BROKERS.get(kind);
        String run = SourceTestSupport.newRun("removed-" + kind.name().toLowerCase());
        String base = "it/" + run;
        String group = "g-" + run;
        // Default client ids (no client-id-prefix): they follow the filters, so the second job has a new session.
        runUntilSubscribed(broker.serverUri(), new JobSpec(run,
                source(broker, base + "/warm", base + "/a/#", base + "/b/#").setSharedGroup(group).build()), base);

        // The migration step of the docs: end the first job's sessions (their client ids are in its log).
        // Mosquitto would otherwise keep giving that offline member of the group its share of the messages
        // until the session expires; HiveMQ CE gives offline members none.
        SourceTestSupport.endSessions(broker.serverUri(),
                MqttSourceConfig.defaultClientIdPrefix(group, null, null, List.of(base + "/warm", base + "/a/#", base + "/b/#")), 1);

        String again = run + "-again";
        int count = 200;
        runSubscribed(broker.serverUri(), new JobSpec(again,
                source(broker, base + "/warm", base + "/a/#").setSharedGroup(group).build()).checkpointEvery(200), base, publisher -> {
            for (int i = 0; i < count; i++) {
                publisher.publish(base + "/b/x", "b-" + i, 1);
                publisher.publish(base + "/a/x", "a-" + i, 1);
            }
            publisher.publish(base + "/a/x", "a-last", 1);
            // Every 'a' message must arrive: the first job's session, still a member of the group while it
            // has not expired, must not take a share of them.
            SourceTestSupport.await("every message of the kept filter", Duration.ofSeconds(60),
                    () -> payloads(again).stream().filter(p -> p.startsWith("a-")).distinct().count() == count + 1);
        });
        assertThat(data(again).stream().map(r -> r.topic()).filter(t -> t.startsWith(base + "/b/")))
                .as("messages of the removed filter")
                .isEmpty();
        assertThat(data(again)).extracting((Received r) -> r.payload()).doesNotHaveDuplicates();
    }
}
