package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.apache.flink.core.testutils.ManuallyTriggeredScheduledExecutorService;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One split's connection against a {@link FakeSubscriberClient}; connection attempts and backoff
 * delays go to a manually triggered scheduler, so the test decides when each attempt runs and
 * reads the delay each reconnect was scheduled with.
 */
class MqttSubscriberConnectionTest {

    private static final MqttSubscriberSplit SPLIT = MqttSubscriberSplit.of("p", 0);

    private final FakeSubscriberClients clients = new FakeSubscriberClients();
    private final ManuallyTriggeredScheduledExecutorService scheduler = new ManuallyTriggeredScheduledExecutorService();
    private final MessageHandover<MqttReceivedMessage> handover = new MessageHandover<>(100);
    private final List<Throwable> fatalErrors = new ArrayList<>();
    private final List<String> connectedSplits = new ArrayList<>();
    private final MqttSourceMetrics metrics =
            new MqttSourceMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup(), () -> 0);
    private MqttSubscriberConnection connection;

    @AfterEach
    void close() {
        if (connection != null) {
            connection.close();
        }
    }

    private MqttSubscriberConnection start(MqttSourceConfig config) {
        return start(SPLIT, config);
    }

    /** Starts the connection of {@code split} (e.g. as restored from a snapshot) and runs its first attempt. */
    private MqttSubscriberConnection start(MqttSubscriberSplit split, MqttSourceConfig config) {
        connection = new MqttSubscriberConnection(
                split, config, clients, handover, scheduler, metrics, connectedSplits::add, fatalErrors::add);
        connection.start();
        scheduler.trigger(); // the first attempt runs at once
        return connection;
    }

    /** Starts the connection and accepts its first attempt; returns that attempt's client. */
    private FakeSubscriberClient startConnected(MqttSourceConfig config) {
        start(config);
        FakeSubscriberClient client = lastClient();
        client.acceptConnect();
        return client;
    }

    /** The one reconnect scheduled now: its delay; then runs it. */
    private long runScheduledReconnect() {
        List<ScheduledFuture<?>> scheduled = scheduler.getAllNonPeriodicScheduledTask();
        assertThat(scheduled).as("scheduled reconnects").hasSize(1);
        long delay = scheduled.get(0).getDelay(TimeUnit.MILLISECONDS);
        scheduler.triggerNonPeriodicScheduledTask();
        return delay;
    }

    private List<MqttReceivedMessage> handedOver() throws InterruptedException {
        return handover.poll(100, 0, TimeUnit.MILLISECONDS);
    }

    private FakeSubscriberClient lastClient() {
        List<FakeSubscriberClient> created = clients.created();
        return created.get(created.size() - 1);
    }

    @Test
    void reconnectBackoffDoublesUpToTheMaximumAndStartsOverAfterAConnection() {
        start(FakeSubscriberClients.config()); // 100 ms initial, 1 s maximum
        List<Long> delays = new ArrayList<>();

        lastClient().failConnect(); // reported twice (future and listener): retried once
        delays.add(runScheduledReconnect());
        lastClient().refuseConnect(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
        delays.add(runScheduledReconnect());
        for (int i = 0; i < 4; i++) {
            lastClient().failConnect();
            delays.add(runScheduledReconnect());
        }
        lastClient().acceptConnect();
        lastClient().loseConnection();
        delays.add(runScheduledReconnect());
        lastClient().failConnect();
        delays.add(runScheduledReconnect());

        assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 100L, 200L);
        // A fresh client for the same client id on every attempt; each lost one was disconnected.
        List<FakeSubscriberClient> created = clients.created();
        assertThat(created).hasSize(9).doesNotHaveDuplicates();
        assertThat(created).extracting(FakeSubscriberClient::clientId).containsOnly("p-0");
        assertThat(created).allMatch(FakeSubscriberClient::connectSent);
        assertThat(created.subList(0, 8)).allMatch(FakeSubscriberClient::disconnectSent);
        assertThat(created.get(8).disconnectSent()).isFalse();
        assertThat(connection.attempts()).isEqualTo(9);
        assertThat(fatalErrors).isEmpty();
    }

    @Test
    void aRefusedSubscriptionFailsTheSourceAndIsNotRetried() {
        start(FakeSubscriberClients.config());

        lastClient().rejectSubscription();

        assertThat(fatalErrors).singleElement()
                .isInstanceOf(SubscriberClient.SubscriptionRejectedException.class)
                .extracting(Throwable::getMessage)
                .isEqualTo("The broker refused the subscription of client 'p-0' to 'a/#': NOT_AUTHORIZED");
        assertThat(scheduler.getAllNonPeriodicScheduledTask()).isEmpty();
        assertThat(clients.created()).hasSize(1);
    }

    @Test
    void aClientThatCannotBeBuiltFailsTheSourceAndIsNotRetried() {
        IllegalArgumentException badTrustStore = new IllegalArgumentException("Cannot read option 'tls.truststore'");
        clients.failNextCreate(badTrustStore);

        start(FakeSubscriberClients.config());

        assertThat(fatalErrors).containsExactly(badTrustStore);
        assertThat(scheduler.getAllNonPeriodicScheduledTask()).isEmpty();
        assertThat(clients.created()).isEmpty();
    }

    @Test
    void acknowledgesOnlyMessagesOfTheLiveConnection() throws Exception {
        FakeSubscriberClient first = startConnected(FakeSubscriberClients.config());
        first.deliver("m1");
        first.deliver("m2");
        List<MqttReceivedMessage> received = handedOver();
        assertThat(received).extracting(m -> new String(m.message().payload())).containsExactly("m1", "m2");
        assertThat(received).extracting(MqttReceivedMessage::splitId).containsOnly("0");

        assertThat(received.get(0).ack().acknowledge()).isTrue();
        assertThat(first.acks()).containsExactly("m1");

        // The connection breaks before m2's checkpoint completes: its PUBACK cannot go out any more.
        first.loseConnection();
        assertThat(received.get(1).ack().acknowledge()).isFalse();
        runScheduledReconnect();
        FakeSubscriberClient second = lastClient();
        second.acceptConnect();
        assertThat(received.get(1).ack().acknowledge()).isFalse();

        // The broker resends m2 on the new connection; that copy is the one acknowledged.
        second.redeliver("m2");
        List<MqttReceivedMessage> redelivered = handedOver();
        assertThat(redelivered).singleElement().satisfies(m -> assertThat(m.message().dup()).isTrue());
        assertThat(redelivered.get(0).ack().acknowledge()).isTrue();

        assertThat(first.acks()).containsExactly("m1");
        assertThat(second.acks()).containsExactly("m2");
    }

    @Test
    void receiptModeAcknowledgesOnArrivalAndLeavesNothingForTheCheckpoint() throws Exception {
        FakeSubscriberClient client = startConnected(
                FakeSubscriberClients.config(options -> options.set(MqttOptions.ACK_MODE, MqttOptions.AckMode.RECEIPT)));

        client.deliver("m1");

        assertThat(client.acks()).containsExactly("m1");
        assertThat(handedOver()).singleElement().satisfies(m -> assertThat(m.ack()).isNull());
    }

    @Test
    void qos0MessagesHaveNothingToAcknowledge() throws Exception {
        FakeSubscriberClient client = startConnected(FakeSubscriberClients.config());

        client.deliver("m0", 0, false);

        assertThat(handedOver()).singleElement().satisfies(m -> assertThat(m.ack()).isNull());
        assertThat(client.acks()).isEmpty();
    }

    @Test
    void closingDisconnectsStopsReconnectingAndDropsPendingAcks() throws Exception {
        FakeSubscriberClient client = startConnected(FakeSubscriberClients.config());
        client.deliver("m1");
        MqttReceivedMessage.Ack pending = handedOver().get(0).ack();

        connection.closeAsync().get(10, TimeUnit.SECONDS);

        assertThat(client.disconnectSent()).isTrue();
        assertThat(connection.isClosed()).isTrue();
        // The DISCONNECT makes the client report a lost connection: no reconnect follows.
        client.loseConnection();
        assertThat(scheduler.getAllNonPeriodicScheduledTask()).isEmpty();
        // m1 stays unacknowledged: the session keeps it for whoever connects as p-0 next.
        assertThat(pending.acknowledge()).isFalse();
        assertThat(client.acks()).isEmpty();
        assertThat(clients.created()).hasSize(1);
    }

    @Test
    void aReconnectAlreadyScheduledWhenClosingDoesNotRun() throws Exception {
        start(FakeSubscriberClients.config());
        lastClient().acceptConnect();
        lastClient().loseConnection();
        assertThat(scheduler.getAllNonPeriodicScheduledTask()).hasSize(1);

        connection.closeAsync().get(10, TimeUnit.SECONDS);
        scheduler.triggerNonPeriodicScheduledTasks();

        assertThat(clients.created()).hasSize(1);
        assertThat(connection.attempts()).isEqualTo(1);
    }

    @Test
    void aLateResultOfAnEarlierAttemptChangesNothing() throws Exception {
        start(FakeSubscriberClients.config());
        FakeSubscriberClient first = lastClient();
        first.loseConnection(); // e.g. the connect timed out
        runScheduledReconnect();
        FakeSubscriberClient second = lastClient();
        second.acceptConnect();

        // The first attempt's CONNACK arrives late, then that connection breaks: the second one stays.
        first.acceptConnect();
        first.loseConnection();
        assertThat(scheduler.getAllNonPeriodicScheduledTask()).isEmpty();
        second.deliver("m1");
        assertThat(handedOver().get(0).ack().acknowledge()).isTrue();
        assertThat(second.acks()).containsExactly("m1");
        assertThat(clients.created().stream().map(FakeSubscriberClient::clientId).collect(Collectors.toList()))
                .containsExactly("p-0", "p-0");
    }

    // ---- the session in CONNACK ----

    private static final String LOGGER = MqttSubscriberConnection.class.getName();
    private static final String LOST = "The MQTT session of client 'p-0' at tcp://broker.invalid:1883 was lost";

    @Test
    void aFirstConnectWithoutASessionIsNormal() {
        try (LogCapture logs = new LogCapture(LOGGER)) {
            startConnected(FakeSubscriberClients.config());

            assertThat(logs.warnings("p-0")).isEmpty();
        }
        assertThat(metrics.sessionsLost()).isZero();
        assertThat(connectedSplits).containsExactly("0");
    }

    @Test
    void aReconnectThatResumesTheSessionIsNoError() {
        try (LogCapture logs = new LogCapture(LOGGER)) {
            startConnected(FakeSubscriberClients.config()).loseConnection();
            runScheduledReconnect();
            lastClient().acceptConnect();

            assertThat(logs.errors("p-0")).isEmpty();
        }
        assertThat(metrics.sessionsLost()).isZero();
    }

    @Test
    void aReconnectThatFindsNoSessionIsAnErrorButDoesNotFailTheSource() {
        try (LogCapture logs = new LogCapture(LOGGER)) {
            startConnected(FakeSubscriberClients.config()).loseConnection();
            clients.forgetSessions(); // the broker restarted without persistence
            runScheduledReconnect();
            lastClient().acceptConnect();

            assertThat(logs.errors("p-0")).singleElement().asString()
                    .startsWith(LOST)
                    .contains("or the client was away longer than 'session-expiry' (3600 s)")
                    .endsWith("Messages already emitted are kept; the source goes on.");
        }
        assertThat(metrics.sessionsLost()).isEqualTo(1);
        assertThat(fatalErrors).isEmpty();
    }

    @Test
    void aRestoreWithUnacknowledgedMessagesThatFindsNoSessionFailsTheJobWithoutRestarts() {
        try (LogCapture logs = new LogCapture(LOGGER)) {
            start(new MqttSubscriberSplit(0, "p-0", true, 5), FakeSubscriberClients.config());
            lastClient().acceptConnect(); // the broker has no session for p-0

            assertThat(fatalErrors).singleElement().isInstanceOf(SuppressRestartsException.class);
            assertThat(fatalErrors.get(0).getCause().getMessage())
                    .startsWith(LOST)
                    .contains("at which 5 message(s) of this client were unacknowledged")
                    .endsWith("The job fails without restarting ('session-lost' = 'fail'): to accept the loss and go on, "
                            + "resume the job from its latest checkpoint (the session exists again now), or set "
                            + "'session-lost' = 'log'.");
            assertThat(logs.errors("p-0")).containsExactly(fatalErrors.get(0).getCause().getMessage());
        }
        assertThat(metrics.sessionsLost()).isEqualTo(1);
    }

    @Test
    void withSessionLostLogARestoreThatFindsNoSessionGoesOn() {
        try (LogCapture logs = new LogCapture(LOGGER)) {
            start(new MqttSubscriberSplit(0, "p-0", true, 5), FakeSubscriberClients.config(
                    options -> options.set(MqttOptions.SESSION_LOST, MqttOptions.SessionLostAction.LOG)));
            lastClient().acceptConnect();

            assertThat(logs.errors("p-0")).singleElement().asString()
                    .startsWith(LOST)
                    .endsWith("The source goes on ('session-lost' = 'log').");
        }
        assertThat(fatalErrors).isEmpty();
        assertThat(metrics.sessionsLost()).isEqualTo(1);
    }

    @Test
    void aRestoreWithNothingUnacknowledgedThatFindsNoSessionIsAnErrorOnly() {
        try (LogCapture logs = new LogCapture(LOGGER)) {
            start(new MqttSubscriberSplit(0, "p-0", true, 0), FakeSubscriberClients.config());
            lastClient().acceptConnect();

            assertThat(logs.errors("p-0")).singleElement().asString().startsWith(LOST);
        }
        assertThat(fatalErrors).isEmpty();
        assertThat(metrics.sessionsLost()).isEqualTo(1);
    }

    @Test
    void aRestoreThatResumesItsSessionIsNoError() {
        clients.openSession("p-0");
        try (LogCapture logs = new LogCapture(LOGGER)) {
            start(new MqttSubscriberSplit(0, "p-0", true, 5), FakeSubscriberClients.config());
            lastClient().acceptConnect();

            assertThat(logs.warnings("p-0")).isEmpty();
        }
        assertThat(fatalErrors).isEmpty();
        assertThat(metrics.sessionsLost()).isZero();
    }

    @Test
    void aGrantedSessionExpiryBelowTheRequestedOneIsAWarningWithBothValues() {
        try (LogCapture logs = new LogCapture(LOGGER)) {
            start(FakeSubscriberClients.config());
            lastClient().acceptConnect(false, 60);

            assertThat(logs.warnings("p-0")).singleElement().asString().startsWith(
                    "The broker at tcp://broker.invalid:1883 granted client p-0 a session expiry of 60 s instead of the "
                            + "requested 3600 s ('session-expiry'): a restart or outage longer than that loses the session");
        }
    }

    // ---- CONNACK refusals ----

    @ParameterizedTest
    @EnumSource(
            value = Mqtt5ConnAckReasonCode.class,
            names = {"CLIENT_IDENTIFIER_NOT_VALID", "BAD_USER_NAME_OR_PASSWORD", "NOT_AUTHORIZED", "BANNED",
                "BAD_AUTHENTICATION_METHOD"})
    void aRefusalThatRetryingCannotFixFailsTheSourceAfterThreeAttempts(Mqtt5ConnAckReasonCode code) {
        start(FakeSubscriberClients.config());
        for (int i = 1; i < MqttSubscriberConnection.MAX_REFUSALS; i++) {
            lastClient().refuseConnect(code);
            runScheduledReconnect();
        }
        assertThat(fatalErrors).isEmpty();

        lastClient().refuseConnect(code);

        assertThat(fatalErrors).singleElement().extracting(Throwable::getMessage).asString()
                .startsWith("The broker at tcp://broker.invalid:1883 refused the connection of client 'p-0': " + code
                        + " (0x" + Integer.toHexString(code.getCode()).toUpperCase() + "). Retrying cannot fix this: check ")
                .endsWith(" (refused 3 times in a row)");
        assertThat(scheduler.getAllNonPeriodicScheduledTask()).isEmpty();
        assertThat(clients.created()).hasSize(3).allMatch(FakeSubscriberClient::disconnectSent);
    }

    @ParameterizedTest
    @EnumSource(
            value = Mqtt5ConnAckReasonCode.class,
            names = {"SERVER_BUSY", "SERVER_UNAVAILABLE", "QUOTA_EXCEEDED", "CONNECTION_RATE_EXCEEDED"})
    void transientRefusalsAreRetriedWithBackoffWithoutEnd(Mqtt5ConnAckReasonCode code) {
        start(FakeSubscriberClients.config());
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 2 * MqttSubscriberConnection.MAX_REFUSALS; i++) {
            lastClient().refuseConnect(code);
            delays.add(runScheduledReconnect());
        }
        lastClient().acceptConnect();

        assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(fatalErrors).isEmpty();
    }

    @Test
    void aConnectionBetweenRefusalsStartsTheCountOver() {
        start(FakeSubscriberClients.config());
        lastClient().refuseConnect(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        runScheduledReconnect();
        lastClient().refuseConnect(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        runScheduledReconnect();
        lastClient().acceptConnect();
        lastClient().loseConnection();
        runScheduledReconnect();
        lastClient().refuseConnect(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        runScheduledReconnect();
        lastClient().refuseConnect(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        runScheduledReconnect();
        assertThat(fatalErrors).isEmpty();

        lastClient().refuseConnect(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(fatalErrors).hasSize(1);
    }

    @Test
    void mqtt311RefusalsOtherThanServerUnavailableAreNotRetried() {
        MqttSourceConfig config = FakeSubscriberClients.config();
        for (Mqtt3ConnAckReturnCode code : Mqtt3ConnAckReturnCode.values()) {
            if (code.isError()) {
                assertThat(Mqtt3SubscriberClient.refusal(config, "p-0", code).retryable())
                        .as("%s retryable", code)
                        .isEqualTo(code == Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE);
            }
        }
        assertThat(Mqtt3SubscriberClient.refusal(config, "p-0", Mqtt3ConnAckReturnCode.NOT_AUTHORIZED).getMessage())
                .startsWith("The broker at tcp://broker.invalid:1883 refused the connection of client 'p-0': "
                        + "NOT_AUTHORIZED (MQTT 3.1.1 return code 5). Retrying cannot fix this");
    }

    // ---- session taken over ----

    @Test
    void aSessionTakenOverIsAnErrorNamingTheClientIdAndTheBackoffKeepsGrowing() {
        List<Long> delays = new ArrayList<>();
        try (LogCapture logs = new LogCapture(LOGGER)) {
            startConnected(FakeSubscriberClients.config()).takeOver();
            delays.add(runScheduledReconnect());
            lastClient().acceptConnect();
            lastClient().takeOver(); // the other client takes it back
            delays.add(runScheduledReconnect());

            assertThat(logs.errors("p-0")).hasSize(2).first().asString().startsWith(
                    "Another client connected with client id 'p-0' to tcp://broker.invalid:1883 and took its session "
                            + "over (DISCONNECT 0x8E): two tables or jobs share the client id");
        }
        // Not reset by the connection in between: two clients sharing an id slow down to the maximum backoff.
        assertThat(delays).containsExactly(100L, 200L);
        assertThat(metrics.sessionsTakenOver()).isEqualTo(2);
        assertThat(fatalErrors).isEmpty();
    }
}
