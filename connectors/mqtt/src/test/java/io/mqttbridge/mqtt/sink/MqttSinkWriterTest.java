package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.mqttbridge.connector.testing.SinkWriterContexts.NO_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link MqttSinkWriter} with fake publishers: what flush waits for, what is sent again, what fails. */
class MqttSinkWriterTest {


    private MqttSinkWriter<String> writer;

    @BeforeEach
    void setUp() {
        FakePublishers.reset();
        writer = writer(1000);
    }

    @AfterEach
    void tearDown() {
        writer.close();
        FakePublishers.reset();
    }

    private static MqttSinkWriter<String> writer(int maxInFlight) {
        Configuration options = new Configuration();
        options.set(MqttOptions.SERVER_URI, "tcp://broker.example:1883");
        options.set(MqttOptions.CLIENT_ID_PREFIX, "routes");
        options.set(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(1));
        options.set(MqttSinkOptions.MAX_IN_FLIGHT, maxInFlight);
        MqttMessageSerializer<String> serializer = topic -> MqttMessage.builder()
                .setTopic(topic).setPayload(topic.getBytes(StandardCharsets.UTF_8)).setQos(1).build();
        return new MqttSinkWriter<>(MqttSinkConfig.fromConfiguration(options), serializer, new FakePublishers(), 3,
                UnregisteredMetricsGroup.createSinkWriterMetricGroup());
    }

    private CompletableFuture<Void> flushInBackground() {
        return CompletableFuture.runAsync(() -> {
            try {
                writer.flush(false);
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Test
    void publishesWithTheStableClientIdOfItsSubtask() throws Exception {
        writer.write("a", NO_TIME);
        assertThat(writer.clientId()).isEqualTo("routes-pub-3");
        assertThat(FakePublishers.CREATED).singleElement().satisfies(p -> assertThat(p.clientId).isEqualTo("routes-pub-3"));
    }

    @Test
    void flushReturnsOnlyWhenTheBrokerAcknowledgedEveryPublish() throws Exception {
        writer.write("a", NO_TIME);
        writer.write("b", NO_TIME);
        writer.write("c", NO_TIME);
        FakePublishers.Fake publisher = FakePublishers.CREATED.get(0);
        publisher.acknowledge(0);
        publisher.acknowledge(2);
        CompletableFuture<Void> flushing = flushInBackground();
        assertThat(writer.outstanding()).isEqualTo(1);
        assertThat(flushing).isNotDone();
        publisher.acknowledge(1);
        flushing.get(30, TimeUnit.SECONDS);
        assertThat(writer.outstanding()).isZero();
    }

    @Test
    void publishesLostWithTheConnectionAreSentAgainInOrderOnAFreshClient() throws Exception {
        writer.write("a", NO_TIME);
        writer.write("b", NO_TIME);
        writer.write("c", NO_TIME);
        FakePublishers.Fake first = FakePublishers.CREATED.get(0);
        first.acknowledge(0);
        FakePublishers.autoAcknowledge = true;
        first.loseConnection();
        writer.flush(false);

        assertThat(FakePublishers.CREATED).hasSize(2);
        FakePublishers.Fake second = FakePublishers.CREATED.get(1);
        assertThat(first.closed).isTrue();
        assertThat(second.clientId).isEqualTo(first.clientId);
        assertThat(second.topics()).containsExactly("b", "c");
        assertThat(writer.outstanding()).isZero();
        // and new rows go out after them on the new connection
        writer.write("d", NO_TIME);
        assertThat(second.topics()).containsExactly("b", "c", "d");
    }

    @Test
    void aLateAnswerFromTheLostConnectionDoesNotCountForTheResentPublish() throws Exception {
        writer.write("a", NO_TIME);
        FakePublishers.Fake first = FakePublishers.CREATED.get(0);
        first.onConnectionLost.accept(new RuntimeException("gone"));
        writer.write("b", NO_TIME); // reconnects first: 'a' is sent again, then 'b'
        FakePublishers.Fake second = FakePublishers.CREATED.get(1);
        assertThat(second.topics()).containsExactly("a", "b");
        first.acknowledge(0); // the PUBACK of the old connection arrives late: ignored
        assertThat(writer.outstanding()).isEqualTo(2);
        second.acknowledge(0);
        second.acknowledge(1);
        writer.flush(false);
        assertThat(writer.outstanding()).isZero();
    }

    @Test
    void aRefusedPublishFailsTheCheckpointNamingTopicAndServer() throws Exception {
        writer.write("devices/v-1/commands", NO_TIME);
        writer.write("devices/v-2/commands", NO_TIME);
        FakePublishers.Fake publisher = FakePublishers.CREATED.get(0);
        publisher.acknowledge(0);
        publisher.answers.get(1).completeExceptionally(
                new PublishRefusedException("the broker at tcp://broker.example:1883 refused it with NOT_AUTHORIZED (0x87)"));
        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("client 'routes-pub-3'")
                .hasMessageContaining("publishing to topic 'devices/v-2/commands' failed: the broker at "
                        + "tcp://broker.example:1883 refused it with NOT_AUTHORIZED (0x87)")
                .hasMessageContaining("The checkpoint fails");
        // and nothing is written past the failure
        assertThatThrownBy(() -> writer.write("devices/v-3/commands", NO_TIME)).isInstanceOf(IOException.class);
        assertThat(publisher.topics()).containsExactly("devices/v-1/commands", "devices/v-2/commands");
    }

    @Test
    void failedConnectAttemptsAreRetriedWithAFreshClientEach() throws Exception {
        FakePublishers.CONNECT_FAILURES.add(new RuntimeException("Connection refused"));
        FakePublishers.CONNECT_FAILURES.add(new RuntimeException("Connection refused"));
        FakePublishers.autoAcknowledge = true;
        writer.write("a", NO_TIME);
        writer.flush(false);
        assertThat(FakePublishers.CREATED).hasSize(3);
        assertThat(FakePublishers.CREATED.get(0).closed).isTrue();
        assertThat(FakePublishers.CREATED.get(2).topics()).containsExactly("a");
    }

    @Test
    void aRefusedConnectionIsNotRetried() {
        FakePublishers.CONNECT_FAILURES.add(new PublishRefusedException("The broker at tcp://broker.example:1883 refused "
                + "the connection of the mqtt sink's client 'routes-pub-3': NOT_AUTHORIZED (0x87)"));
        assertThatThrownBy(() -> writer.write("a", NO_TIME))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused the connection of the mqtt sink's client 'routes-pub-3'");
        assertThat(FakePublishers.CREATED).hasSize(1);
    }

    @Test
    void writeWaitsAtTheInFlightLimitUntilAnAcknowledgement() throws Exception {
        writer.close();
        writer = writer(2);
        writer.write("a", NO_TIME);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                writer.write("b", NO_TIME);
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        // 'b' is sent, but write returns only once fewer than two are outstanding
        while (FakePublishers.CREATED.isEmpty() || FakePublishers.CREATED.get(0).published.size() < 2) {
            Thread.sleep(5);
        }
        assertThat(second).isNotDone();
        FakePublishers.CREATED.get(0).acknowledge(0);
        second.get(30, TimeUnit.SECONDS);
        assertThat(writer.outstanding()).isEqualTo(1);
    }
}
