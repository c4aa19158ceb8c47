package io.mqttbridge.rocketmq;

import io.mqttbridge.rocketmq.sink.RocketMqSinkConfig;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import org.apache.rocketmq.client.producer.DefaultMQProducer;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocketMqOptionsTest {

    private static Configuration options(String... keyValues) {
        Configuration c = new Configuration();
        for (int i = 0; i < keyValues.length; i += 2) {
            c.setString(keyValues[i], keyValues[i + 1]);
        }
        return c;
    }

    @Test
    void nameServerAcceptsSeveralAddressesAndNamesTheOptionOtherwise() {
        assertThat(RocketMqOptions.nameServer(options("name-server", " 10.0.0.1:9876 ; h2:9877"))).isEqualTo("10.0.0.1:9876;h2:9877");
        assertThatThrownBy(() -> RocketMqOptions.nameServer(options()))
                .hasMessage("Missing required option 'name-server': expected 'host:port' of the RocketMQ name server, several separated by ';'");
        for (String bad : new String[] {"localhost", "h:0", "h:70000", "h:x", ":9876", "h:9876;"}) {
            assertThatThrownBy(() -> RocketMqOptions.nameServer(options("name-server", bad)))
                    .hasMessage("Invalid value '" + bad + "' for option 'name-server': expected 'host:port' entries separated by ';', "
                            + "port 1 to 65535 (e.g. '127.0.0.1:9876')");
        }
    }

    @Test
    void topicWithSlashIsRefusedWithTheMappingHint() {
        assertThat(RocketMqOptions.topic(options("topic", "station-wills"))).isEqualTo("station-wills");
        assertThat(RocketMqOptions.topic(options())).isNull();
        assertThatThrownBy(() -> RocketMqOptions.topic(options("topic", "stations/7/will")))
                .hasMessageStartingWith("Invalid value 'stations/7/will' for option 'topic': expected a RocketMQ topic name")
                .hasMessageContaining("MQTT_TOPIC_LEVEL");
        assertThat(RocketMqOptions.isValidTopicName("a".repeat(128))).isFalse();
        assertThat(RocketMqOptions.isValidTopicName("%RETRY%g_1|x")).isTrue();
    }

    @Test
    void credentialsNeedBothKeysAndHideTheSecret() {
        assertThat(RocketMqOptions.credentials(options())).isNull();
        RocketMqOptions.Credentials c = RocketMqOptions.credentials(options("access-key", "ak", "secret-key", "s3cr3t"));
        assertThat(c.accessKey()).isEqualTo("ak");
        assertThat(c.toString()).doesNotContain("s3cr3t");
        assertThatThrownBy(() -> RocketMqOptions.credentials(options("secret-key", "s3cr3t")))
                .hasMessageStartingWith("Missing required option 'access-key'").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> RocketMqOptions.credentials(options("access-key", "ak")))
                .hasMessageStartingWith("Missing required option 'secret-key'");
    }

    @Test
    void sinkConfigChecksEveryOptionAndNeverShowsTheSecret() {
        RocketMqSinkConfig config = RocketMqSinkConfig.of(
                options("name-server", "127.0.0.1:9876", "topic", "t", "tag", "will", "send-timeout", "5 s", "retries", "4",
                        "access-key", "ak", "secret-key", "s3cr3t"),
                Map.of("maxMessageSize", "1024"));
        assertThat(config.sendTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.retries()).isEqualTo(4);
        assertThat(config.producerGroup()).isEqualTo("mqtt-bridge-producer");
        assertThat(config.toString()).contains("ak").doesNotContain("s3cr3t");
        assertThatThrownBy(() -> RocketMqSinkConfig.of(options("name-server", "h:1", "retries", "101"), Map.of()))
                .hasMessage("Invalid value '101' for option 'retries': expected a whole number from 0 to 100");
        assertThatThrownBy(() -> RocketMqSinkConfig.of(options("name-server", "h:1", "send-timeout", "0 s"), Map.of()))
                .hasMessageStartingWith("Invalid value '0 ms' for option 'send-timeout': expected a positive duration");
        assertThatThrownBy(() -> RocketMqSinkConfig.of(options("name-server", "h:1", "tag", "a || b"), Map.of()))
                .hasMessageStartingWith("Invalid value 'a || b' for option 'tag'");
    }

    @Test
    void clientPropertiesCallTheSettersAndUnknownOnesAreRefusedByName() {
        assertThat(RocketMqOptions.clientProperties(Map.of("properties.maxMessageSize", "2048", "topic", "t")))
                .containsExactly(Map.entry("maxMessageSize", "2048"));
        DefaultMQProducer producer = new DefaultMQProducer("g");
        RocketMqClientProperties.apply(producer, Map.of("maxMessageSize", "2048", "vipChannelEnabled", "true", "unitName", "u"));
        assertThat(producer.getMaxMessageSize()).isEqualTo(2048);
        assertThat(producer.isVipChannelEnabled()).isTrue();
        assertThat(producer.getUnitName()).isEqualTo("u");
        assertThatThrownBy(() -> RocketMqClientProperties.apply(producer, Map.of("noSuchSetting", "1")))
                .hasMessageStartingWith("Invalid value '1' for option 'properties.noSuchSetting': expected a setting of RocketMQ's DefaultMQProducer");
        assertThatThrownBy(() -> RocketMqClientProperties.apply(producer, Map.of("maxMessageSize", "big")))
                .hasMessageStartingWith("Invalid value 'big' for option 'properties.maxMessageSize': expected a int value");
    }
}
