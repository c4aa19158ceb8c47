package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.source.MqttSourceConfig;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MqttSplitReaderTest {

    @Test
    void removedSplitsAreDisconnectedAndTheOthersKept() throws Exception {
        MqttSplitReader reader = new MqttSplitReader(configFor(unusedPort()), metrics());
        MqttSubscriberSplit s0 = MqttSubscriberSplit.of("split-reader-test", 0);
        MqttSubscriberSplit s1 = MqttSubscriberSplit.of("split-reader-test", 1);
        MqttSubscriberSplit s2 = MqttSubscriberSplit.of("split-reader-test", 2);
        try {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(s0, s1, s2)));
            assertThat(reader.connectedSplitIds()).containsExactly(s0.splitId(), s1.splitId(), s2.splitId());

            MqttSubscriberConnection removed = reader.connections().get(s1.splitId());
            MqttSubscriberConnection kept = reader.connections().get(s0.splitId());
            reader.handleSplitsChanges(new SplitsRemoval<>(List.of(s1)));
            assertThat(reader.connectedSplitIds()).containsExactly(s0.splitId(), s2.splitId());
            assertThat(removed.isClosed()).isTrue();
            assertThat(kept.isClosed()).isFalse();
            int removedAttempts = removed.attempts();

            // Removing a split this reader does not run is harmless.
            reader.handleSplitsChanges(new SplitsRemoval<>(List.of(MqttSubscriberSplit.of("split-reader-test", 7))));
            assertThat(reader.connectedSplitIds()).containsExactly(s0.splitId(), s2.splitId());

            // No broker listens: the remaining connections retry (wait for at least one backoff cycle),
            // the removed one does not; nothing arrives, nothing fails.
            int keptAttempts = kept.attempts();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (kept.attempts() < keptAttempts + 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(kept.attempts()).isGreaterThanOrEqualTo(keptAttempts + 2);
            assertThat(removed.attempts()).isEqualTo(removedAttempts);
            reader.wakeUp();
            assertThat(reader.fetch().nextSplit()).isNull();
        } finally {
            reader.close();
        }
    }

    private static MqttSourceConfig configFor(int port) {
        Configuration options = new Configuration();
        options.set(MqttOptions.SERVER_URI, "tcp://127.0.0.1:" + port);
        options.set(MqttOptions.TOPIC_FILTER, "a/#");
        options.set(MqttOptions.SHARED_GROUP, "g");
        options.set(MqttOptions.CLIENT_ID_PREFIX, "split-reader-test");
        options.set(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofMillis(50));
        return MqttSourceConfig.fromConfiguration(options);
    }

    private static MqttSourceMetrics metrics() {
        return new MqttSourceMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup(), () -> 0);
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
