package io.mqttbridge.rocketmq.source;

import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocketMqSourceBuilderTest {

    private static RocketMqSourceBuilder<String> valid() {
        return RocketMqSource.<String>builder()
                .setNameServer("127.0.0.1:9876")
                .setTopic("t")
                .setConsumerGroup("g")
                .setDeserializer(RocketMqMessageDeserializer.body(new SimpleStringSchema()));
    }

    @Test
    void defaultsAreThoseOfTheTableOptions() {
        RocketMqSourceConfig config = valid().build().config();
        assertThat(config.startupMode()).isEqualTo(StartupMode.GROUP_OFFSETS);
        assertThat(config.tagFilter()).isEqualTo("*");
        assertThat(config.discoveryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(valid().setStartupTimestamp(5).build().config().startupTimestamp()).isEqualTo(5L);
    }

    @Test
    void missingOrConflictingSettingsAreNamedAsTheOptions() {
        assertThatThrownBy(() -> valid().setConsumerGroup(" ").build())
                .hasMessage("Missing required option 'consumer-group': expected a consumer group name");
        assertThatThrownBy(() -> valid().setStartupMode(StartupMode.TIMESTAMP).build())
                .hasMessageContaining("Missing required option 'startup-timestamp'");
        assertThatThrownBy(() -> valid().setDiscoveryInterval(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("for option 'queue-discovery.interval'");
        assertThatThrownBy(() -> valid().setCredentials("ak", null).build())
                .hasMessageContaining("Missing required option 'secret-key'");
    }

    @Test
    void theSecretKeyIsNotPartOfTheConfigsText() {
        assertThat(valid().setCredentials("ak", "s3cret").build().config().toString()).contains("ak").doesNotContain("s3cret");
    }
}
