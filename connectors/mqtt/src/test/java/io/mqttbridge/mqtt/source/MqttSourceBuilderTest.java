package io.mqttbridge.mqtt.source;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttSourceBuilderTest {

    static final class TopicDeserializer implements MqttMessageDeserializer<String> {
        @Override
        public void deserialize(MqttMessage message, Collector<String> out) {
            out.collect(message.topic());
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    private static MqttSourceBuilder<String> valid() {
        return MqttSource.<String>builder()
                .setServerUri("tcp://127.0.0.1:1883")
                .setTopicFilters("a/+/b", "c/#")
                .setSharedGroup("g1")
                .setDeserializer(new TopicDeserializer());
    }

    @Test
    void validConfigurationBuilds() {
        MqttSource<String> source = valid().setSubscribers(4).build();
        MqttSourceConfig config = source.config();
        assertThat(config.subscriptionFilters()).containsExactly("$share/g1/a/+/b", "$share/g1/c/#");
        assertThat(config.clientIdPrefix())
                .matches("mqtt-bridge-g1-[0-9a-f]{8}")
                .isEqualTo(MqttSourceConfig.defaultClientIdPrefix("g1", null, null, List.of("a/+/b", "c/#")));
        assertThat(config.subscribers()).isEqualTo(4);
        assertThat(config.ackMode()).isEqualTo(MqttOptions.AckMode.CHECKPOINT);
        assertThat(config.connection().port()).isEqualTo(1883);
        assertThat(source.getProducedType()).isEqualTo(Types.STRING);
    }

    @Test
    void commaSeparatedFiltersWithoutGroupSubscribeDirectly() {
        MqttSourceConfig config = MqttSource.<String>builder()
                .setServerUri("ssl://broker.example.com")
                .setTopicFilters("x/y, z/+")
                .setClientIdPrefix("job-a")
                .setDeserializer(new TopicDeserializer())
                .build()
                .config();
        assertThat(config.subscriptionFilters()).isEqualTo(List.of("x/y", "z/+"));
        assertThat(config.subscribers()).isEqualTo(1);
        assertThat(config.connection().tls()).isTrue();
        assertThat(config.connection().port()).isEqualTo(8883);
    }

    @Test
    void defaultClientIdPrefixIsStableAndDiffersByGroupAndFilterSet() {
        String prefix = valid().build().config().clientIdPrefix();
        assertThat(valid().build().config().clientIdPrefix()).isEqualTo(prefix);
        assertThat(valid().setTopicFilters("c/#", "a/+/b").build().config().clientIdPrefix())
                .as("the same filters in another order: the same subscriptions, the same session")
                .isEqualTo(prefix);
        assertThat(valid().setTopicFilters("a/+/b").build().config().clientIdPrefix())
                .as("a filter removed: a new session, so the old one's subscription cannot deliver")
                .startsWith("mqtt-bridge-g1-")
                .isNotEqualTo(prefix);
        assertThat(valid().setSharedGroup("g2").build().config().clientIdPrefix()).startsWith("mqtt-bridge-g2-");
        assertThat(MqttSourceConfig.defaultClientIdPrefix("g", null, null, List.of("a")))
                .isNotEqualTo(MqttSourceConfig.defaultClientIdPrefix("g", null, null, List.of("b")));
    }

    @Test
    void defaultClientIdPrefixKeepsClientIdsShortAndSafe() {
        String longGroup = "a-very-long-shared-group-name-of-a-fleet/ü";
        String prefix = MqttSourceConfig.defaultClientIdPrefix(longGroup, null, null, List.of("a/#"));
        assertThat(prefix).matches("mqtt-bridge-a-very-long-shared-group-[0-9a-f]{8}");
        assertThat(prefix + "-65535").hasSizeLessThan(64);
        assertThat(MqttSourceConfig.defaultClientIdPrefix(null, "my table/ü", "c.d.my table/ü", List.of("a")))
                .matches("mqtt-bridge-my-table---[0-9a-f]{8}");
    }

    @Test
    void overlappingFiltersAreRefusedNamingBoth() {
        assertThatThrownBy(() -> valid().setTopicFilters("a/#", "x", "a/+/b").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value 'a/#,x,a/+/b' for option 'topic-filter': expected filters that no topic "
                        + "matches twice, but 'a/#' and 'a/+/b' overlap: a message on a topic that matches both would "
                        + "be delivered twice. Keep only the wider filter, or list filters that do not overlap");
        assertThatThrownBy(() -> valid().setTopicFilters("a/b", "a/b").build())
                .hasMessageContaining("but 'a/b' is listed twice.");
        assertThat(valid().setTopicFilters("a/+/b", "a/+/c", "$SYS/x", "+/x/y").build().config().subscriptionFilters())
                .hasSize(4);
    }

    @Test
    void missingServerUriIsNamed() {
        assertThatThrownBy(() -> MqttSource.<String>builder().setTopicFilters("a").setSharedGroup("g")
                        .setDeserializer(new TopicDeserializer()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing required option 'server-uri': expected tcp://host:port or ssl://host:port");
    }

    @Test
    void unsupportedSchemeIsNamed() {
        assertThatThrownBy(() -> valid().setServerUri("http://h:1").build())
                .hasMessage("Invalid value 'http://h:1' for option 'server-uri': expected tcp://host:port or ssl://host:port");
    }

    @Test
    void missingTopicFilterIsNamed() {
        assertThatThrownBy(() -> MqttSource.<String>builder().setServerUri("tcp://h:1").setSharedGroup("g")
                        .setDeserializer(new TopicDeserializer()).build())
                .hasMessageStartingWith("Missing required option 'topic-filter'");
    }

    @Test
    void invalidTopicFilterIsNamed() {
        assertThatThrownBy(() -> valid().setTopicFilters("ok/+", "a/#/b").build())
                .hasMessage("Invalid value 'ok/+,a/#/b' for option 'topic-filter': expected one or more MQTT topic filters, "
                        + "comma-separated (e.g. 'devices/+/state'). Invalid topic filter 'a/#/b': '#' must be the last level");
        assertThatThrownBy(() -> valid().setTopicFilters("+x").build())
                .hasMessageContaining("Invalid topic filter '+x'");
    }

    @Test
    void severalSubscribersWithoutSharedGroupIsRefusedWithTheReason() {
        assertThatThrownBy(() -> MqttSource.<String>builder().setServerUri("tcp://h:1").setTopicFilters("a")
                        .setClientIdPrefix("p").setSubscribers(3).setDeserializer(new TopicDeserializer()).build())
                .hasMessageStartingWith("Missing required option 'shared-group': expected a shared subscription group, "
                        + "because option 'subscribers' = 3")
                .hasMessageContaining("every subscriber would receive every message");
    }

    @Test
    void noGroupNeedsAClientIdPrefix() {
        assertThatThrownBy(() -> MqttSource.<String>builder().setServerUri("tcp://h:1").setTopicFilters("a")
                        .setDeserializer(new TopicDeserializer()).build())
                .hasMessage("Missing required option 'client-id-prefix': expected a stable client id prefix when "
                        + "'shared-group' is not set, so that the broker keeps the session across restarts");
    }

    @Test
    void outOfRangeValuesNameOptionAndAcceptedValues() {
        assertThatThrownBy(() -> valid().setQos(3).build())
                .hasMessage("Invalid value '3' for option 'qos': expected a whole number from 0 to 2");
        assertThatThrownBy(() -> valid().setSubscribers(0).build())
                .hasMessage("Invalid value '0' for option 'subscribers': expected a whole number of at least 1");
        assertThatThrownBy(() -> valid().setOption(MqttOptions.RECEIVE_MAXIMUM, 70_000).build())
                .hasMessage("Invalid value '70000' for option 'receive-maximum': expected a whole number from 1 to 65535");
        assertThatThrownBy(() -> valid().setSharedGroup("a/b").build())
                .hasMessageContaining("option 'shared-group': expected a non-empty name without '/', '+' or '#'");
        assertThatThrownBy(() -> valid()
                        .setOption(MqttOptions.RECONNECT_BACKOFF_INITIAL, Duration.ofSeconds(10))
                        .setOption(MqttOptions.RECONNECT_BACKOFF_MAX, Duration.ofSeconds(1))
                        .build())
                .hasMessage("Invalid value '1 s' for option 'reconnect.max-backoff': expected a duration not shorter than "
                        + "option 'reconnect.initial-backoff' (10 s)");
    }

    @Test
    void tlsStoresNeedSsl() {
        assertThatThrownBy(() -> valid().setOption(MqttOptions.TLS_TRUSTSTORE, "/tmp/t.p12").build())
                .hasMessage("Invalid value '/tmp/t.p12' for option 'tls.truststore': expected no store with a plain "
                        + "server-uri ('tcp://127.0.0.1:1883'); use ssl://host:port for TLS");
    }

    @Test
    void unreadableTrustStoreIsNamedByBuild() {
        assertThatThrownBy(() -> valid().setServerUri("ssl://h:8883")
                        .setOption(MqttOptions.TLS_TRUSTSTORE, "/nonexistent/t.p12").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value '/nonexistent/t.p12' for option 'tls.truststore': expected an existing PKCS12 "
                        + "or JKS file (no such file)");
    }

    @Test
    void missingDeserializerIsNamed() {
        assertThatThrownBy(() -> MqttSource.<String>builder().setServerUri("tcp://h:1").setTopicFilters("a")
                        .setSharedGroup("g").build())
                .hasMessageContaining("setDeserializer");
    }

    @Test
    void passwordNeverAppearsInToString() {
        MqttSourceConfig config = valid()
                .setOption(MqttOptions.USERNAME, "alice")
                .setOption(MqttOptions.PASSWORD, "s3cr3t-value")
                .build()
                .config();
        assertThat(config.toString()).contains("alice").contains("******").doesNotContain("s3cr3t-value");
    }

    @Test
    void sessionExpiryUnderOneSecondIsRefusedWithAckModeCheckpoint() {
        // Under a second rounds to 0: the session, with its unacknowledged messages, would end with each connection.
        for (Duration expiry : List.of(Duration.ZERO, Duration.ofMillis(500))) {
            assertThatThrownBy(() -> valid().setOption(MqttOptions.SESSION_EXPIRY, expiry).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid value '")
                    .hasMessageEndingWith("' for option 'session-expiry': expected at least 1 s with ack-mode 'checkpoint' "
                            + "(0 ends the session, and its unacknowledged messages, with each connection)");
        }
        // Acknowledged on receipt there is nothing for a session to keep; MQTT 3.1.1 sends no expiry.
        valid().setOption(MqttOptions.SESSION_EXPIRY, Duration.ZERO).setOption(MqttOptions.ACK_MODE, MqttOptions.AckMode.RECEIPT).build();
        valid().setOption(MqttOptions.SESSION_EXPIRY, Duration.ZERO)
                .setOption(MqttOptions.PROTOCOL_VERSION, MqttOptions.ProtocolVersion.V3_1_1).build();
    }
}
