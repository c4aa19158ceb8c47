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

            reader.handleSplitsChanges(new SplitsRemoval<>(List.of(s1)));
            assertThat(reader.connectedSplitIds()).containsExactly(s0.splitId(), s2.splitId());

            // Removing a split this reader does not run is harmless.
            reader.handleSplitsChanges(new SplitsRemoval<>(List.of(MqttSubscriberSplit.of("split-reader-test", 7))));
            assertThat(reader.connectedSplitIds()).containsExactly(s0.splitId(), s2.splitId());

            // No broker listens: the remaining connections retry, nothing arrives, nothing fails.
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
