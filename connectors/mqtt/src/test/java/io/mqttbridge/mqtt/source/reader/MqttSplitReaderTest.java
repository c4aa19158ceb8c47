package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.apache.flink.core.testutils.ManuallyTriggeredScheduledExecutorService;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connections of one reader against fake clients; attempts run when the test triggers them. */
class MqttSplitReaderTest {

    private static final MqttSubscriberSplit S0 = MqttSubscriberSplit.of("p", 0);
    private static final MqttSubscriberSplit S1 = MqttSubscriberSplit.of("p", 1);
    private static final MqttSubscriberSplit S2 = MqttSubscriberSplit.of("p", 2);

    private final FakeSubscriberClients clients = new FakeSubscriberClients();
    private final ManuallyTriggeredScheduledExecutorService scheduler = new ManuallyTriggeredScheduledExecutorService();
    private final MqttSplitReader reader = new MqttSplitReader(
            FakeSubscriberClients.config(),
            new MqttSourceMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup(), () -> 0),
            clients,
            splitId -> {},
            scheduler);

    @AfterEach
    void close() throws Exception {
        reader.close();
    }

    /** Adds the splits and runs their first connection attempts; returns their clients, connected. */
    private List<FakeSubscriberClient> addAndConnect(MqttSubscriberSplit... splits) {
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(splits)));
        scheduler.triggerAll();
        List<FakeSubscriberClient> connected = new ArrayList<>();
        for (MqttSubscriberSplit split : splits) {
            FakeSubscriberClient client = clients.createdFor(split.clientId()).get(0);
            client.acceptConnect();
            connected.add(client);
        }
        return connected;
    }

    private List<MqttReceivedMessage> fetchAll() throws IOException {
        reader.wakeUp(); // returns at once when nothing is there
        RecordsWithSplitIds<MqttReceivedMessage> records = reader.fetch();
        List<MqttReceivedMessage> result = new ArrayList<>();
        while (records.nextSplit() != null) {
            MqttReceivedMessage message;
            while ((message = records.nextRecordFromSplit()) != null) {
                result.add(message);
            }
        }
        return result;
    }

    private static String payload(MqttReceivedMessage message) {
        return new String(message.message().payload(), StandardCharsets.UTF_8);
    }

    @Test
    void oneConnectionPerSplitWithItsClientIdAndMessagesTaggedWithTheSplit() throws Exception {
        List<FakeSubscriberClient> connected = addAndConnect(S0, S1, S2);

        assertThat(connected).extracting(FakeSubscriberClient::clientId).containsExactly("p-0", "p-1", "p-2");
        assertThat(reader.connectedSplitIds()).containsExactly("0", "1", "2");
        connected.get(2).deliver("from-2");
        connected.get(0).deliver("from-0");
        assertThat(fetchAll())
                .extracting(m -> m.splitId() + ":" + payload(m))
                .containsExactlyInAnyOrder("2:from-2", "0:from-0");
    }

    @Test
    void aRemovedSplitIsDisconnectedStopsReconnectingAndLeavesItsMessagesUnacknowledged() throws Exception {
        List<FakeSubscriberClient> connected = addAndConnect(S0, S1, S2);
        FakeSubscriberClient removed = connected.get(1);
        FakeSubscriberClient kept = connected.get(0);
        removed.deliver("r1");
        kept.deliver("k1");
        List<MqttReceivedMessage> fetched = fetchAll();
        assertThat(fetched).extracting(MqttSplitReaderTest::payload).containsExactlyInAnyOrder("r1", "k1");

        reader.handleSplitsChanges(new SplitsRemoval<>(List.of(S1)));

        assertThat(reader.connectedSplitIds()).containsExactly("0", "2");
        assertThat(removed.disconnectSent()).isTrue();
        assertThat(kept.disconnectSent()).isFalse();
        // Its DISCONNECT reports a lost connection: nothing is scheduled, nothing reconnects as p-1.
        removed.loseConnection();
        assertThat(scheduler.getAllNonPeriodicScheduledTask()).isEmpty();
        // A checkpoint completing now cannot acknowledge r1: the broker keeps it in p-1's session.
        for (MqttReceivedMessage message : fetched) {
            assertThat(message.ack().acknowledge()).isEqualTo(message.splitId().equals("0"));
        }
        assertThat(removed.acks()).isEmpty();
        assertThat(kept.acks()).containsExactly("k1");

        // The kept splits still reconnect.
        kept.loseConnection();
        scheduler.triggerNonPeriodicScheduledTasks();
        assertThat(clients.createdFor("p-0")).hasSize(2);
        assertThat(clients.createdFor("p-1")).containsExactly(removed);
    }

    @Test
    void removingASplitThisReaderDoesNotRunIsHarmless() {
        addAndConnect(S0);

        reader.handleSplitsChanges(new SplitsRemoval<>(List.of(MqttSubscriberSplit.of("p", 7))));

        assertThat(reader.connectedSplitIds()).containsExactly("0");
        assertThat(clients.created()).singleElement().satisfies(c -> assertThat(c.disconnectSent()).isFalse());
    }

    @Test
    void aRefusedSubscriptionFailsTheNextFetchWithTheBrokersReason() {
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(S0)));
        scheduler.triggerAll();

        clients.created().get(0).rejectSubscription();

        assertThatThrownBy(reader::fetch)
                .isInstanceOf(IOException.class)
                .hasMessage("MQTT source failed: The broker refused the subscription of client 'p-0' to 'a/#': NOT_AUTHORIZED");
    }

    @Test
    void closeDisconnectsEveryConnection() throws Exception {
        List<FakeSubscriberClient> connected = addAndConnect(S0, S1);

        reader.close();

        assertThat(connected).allMatch(FakeSubscriberClient::disconnectSent);
        assertThat(scheduler.isTerminated()).isTrue();
    }
}
