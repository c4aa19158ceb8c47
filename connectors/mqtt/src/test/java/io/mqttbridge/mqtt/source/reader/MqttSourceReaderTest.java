package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader as Flink drives it (Flink's testing reader context and output, the real fetcher
 * thread), against fake clients: which acknowledgements a checkpoint sends, and on which connection.
 */
class MqttSourceReaderTest {

    private static final MqttSubscriberSplit SPLIT = MqttSubscriberSplit.of("p", 0);

    /** Bounds waiting for the fetcher thread; never reached when all is well. */
    private static final long AWAIT_SECONDS = 30;

    private final FakeSubscriberClients clients = new FakeSubscriberClients();
    private final TestingReaderOutput<String> output = new TestingReaderOutput<>();
    private MqttSourceReader<String> reader;
    private boolean closed;

    @BeforeEach
    void startReader() {
        reader = new MqttSourceReader<>(
                // A lost connection is retried after 10 ms: the tests wait for the new client, not for time.
                FakeSubscriberClients.config(options -> options.set(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(10))),
                new PayloadAsString(),
                new TestingReaderContext(),
                clients,
                AckSender.inCallingThread());
        reader.start();
        reader.addSplits(List.of(SPLIT));
    }

    @AfterEach
    void closeReader() throws Exception {
        if (!closed) {
            reader.close();
        }
    }

    /** Delivers the messages on {@code client} and polls the reader until it has emitted them. */
    private void deliverAndEmit(FakeSubscriberClient client, String... payloads) throws Exception {
        int total = output.getEmittedRecords().size() + payloads.length;
        for (String payload : payloads) {
            client.deliver(payload);
        }
        emitUntil(total);
    }

    /** Polls the reader until {@code total} records have been emitted since the test began. */
    private void emitUntil(int total) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (output.getEmittedRecords().size() < total) {
            assertThat(System.nanoTime()).as("%s records emitted in time", total).isLessThan(deadline);
            reader.isAvailable().get(AWAIT_SECONDS, TimeUnit.SECONDS);
            reader.pollNext(output);
        }
        assertThat(output.getEmittedRecords()).hasSize(total);
    }

    private FakeSubscriberClient connected(int n) throws InterruptedException {
        FakeSubscriberClient client = clients.awaitClient(n);
        client.acceptConnect();
        return client;
    }

    @Test
    void acknowledgesOnlyAfterTheCoveringCheckpointCompletes() throws Exception {
        FakeSubscriberClient client = connected(0);
        deliverAndEmit(client, "m1", "m2");

        reader.snapshotState(1);
        deliverAndEmit(client, "m3"); // emitted after snapshot 1: checkpoint 2 covers it
        assertThat(client.acks()).isEmpty();

        reader.notifyCheckpointComplete(1);
        assertThat(client.acks()).containsExactly("m1", "m2");

        reader.snapshotState(2);
        assertThat(client.acks()).containsExactly("m1", "m2");
        reader.notifyCheckpointComplete(2);
        assertThat(client.acks()).containsExactly("m1", "m2", "m3");
        assertThat(output.getEmittedRecords()).containsExactly("m1", "m2", "m3");
    }

    @Test
    void aCompletedCheckpointAlsoAcknowledgesTheEarlierOnesItSubsumes() throws Exception {
        FakeSubscriberClient client = connected(0);
        deliverAndEmit(client, "m1");
        reader.snapshotState(1);
        deliverAndEmit(client, "m2");
        reader.snapshotState(2);

        // The notification of checkpoint 1 never comes (the subsuming contract); 2 covers it.
        reader.notifyCheckpointComplete(2);
        assertThat(client.acks()).containsExactly("m1", "m2");

        // A late notification of 1 sends nothing twice.
        reader.notifyCheckpointComplete(1);
        assertThat(client.acks()).containsExactly("m1", "m2");
    }

    @Test
    void anAbortedCheckpointAcknowledgesNothing() throws Exception {
        FakeSubscriberClient client = connected(0);
        deliverAndEmit(client, "m1");
        reader.snapshotState(1);
        reader.notifyCheckpointAborted(1);
        deliverAndEmit(client, "m2");
        reader.snapshotState(2); // never completes
        assertThat(client.acks()).isEmpty();

        // The next completed checkpoint covers everything emitted before it.
        reader.snapshotState(3);
        reader.notifyCheckpointComplete(3);
        assertThat(client.acks()).containsExactly("m1", "m2");
    }

    @Test
    void messagesOfALostConnectionAreNotAcknowledgedOnTheNextOneButTheirRedeliveredCopiesAre() throws Exception {
        FakeSubscriberClient first = connected(0);
        deliverAndEmit(first, "m1", "m2");
        reader.snapshotState(1);

        first.loseConnection();
        FakeSubscriberClient second = connected(1);
        assertThat(second.clientId()).isEqualTo(first.clientId());
        reader.notifyCheckpointComplete(1);
        assertThat(first.acks()).isEmpty();
        assertThat(second.acks()).isEmpty();

        // The session gives m1 and m2 again on the new connection, with DUP; checkpoint 2 covers them.
        second.redeliver("m1");
        second.redeliver("m2");
        emitUntil(4);
        assertThat(second.acks()).isEmpty();
        reader.snapshotState(2);
        reader.notifyCheckpointComplete(2);

        assertThat(second.acks()).containsExactly("m1", "m2");
        assertThat(first.acks()).isEmpty();
        assertThat(first.disconnectSent()).isTrue();
        assertThat(output.getEmittedRecords()).containsExactly("m1", "m2", "m1", "m2");
    }

    @Test
    void aSnapshotRecordsThatTheSplitHadASessionAndItsUnacknowledgedMessages() throws Exception {
        assertThat(reader.snapshotState(1)).containsExactly(SPLIT); // not connected yet: a new session is normal

        FakeSubscriberClient client = connected(0);
        // The CONNACK is handled on the connection's thread when it registers after the fake answered.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (!reader.hasConnected(SPLIT.splitId())) {
            assertThat(System.nanoTime()).as("CONNACK handled in time").isLessThan(deadline);
            Thread.sleep(1);
        }
        deliverAndEmit(client, "m1", "m2");
        assertThat(reader.snapshotState(2)).containsExactly(new MqttSubscriberSplit(0, "p-0", true, 2));

        deliverAndEmit(client, "m3");
        reader.notifyCheckpointComplete(2);
        assertThat(reader.snapshotState(3)).containsExactly(new MqttSubscriberSplit(0, "p-0", true, 1));
        reader.notifyCheckpointComplete(3);
        assertThat(reader.snapshotState(4)).containsExactly(new MqttSubscriberSplit(0, "p-0", true, 0));
    }

    @Test
    void closingTheReaderDisconnectsAndAcknowledgesNothingMore() throws Exception {
        FakeSubscriberClient client = connected(0);
        deliverAndEmit(client, "m1");
        reader.snapshotState(1);

        reader.close();
        closed = true;

        assertThat(client.disconnectSent()).isTrue();
        reader.notifyCheckpointComplete(1);
        assertThat(client.acks()).isEmpty();
    }

    /** Each message becomes its payload as a string. */
    private static final class PayloadAsString implements MqttMessageDeserializer<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(MqttMessage message, Collector<String> out) {
            out.collect(new String(message.payload(), StandardCharsets.UTF_8));
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
