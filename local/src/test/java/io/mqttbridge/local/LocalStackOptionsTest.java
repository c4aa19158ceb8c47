package io.mqttbridge.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackOptionsTest {

    @TempDir Path home;

    private LocalStackOptions parse(String... args) throws Exception {
        Files.createDirectories(home.resolve("sql"));
        for (String file : LocalStackOptions.DEMO_ROUTES) {
            Files.writeString(home.resolve("sql").resolve(file), "-- " + file);
        }
        return LocalStackOptions.parse(args, home);
    }

    @Test
    void defaultsFollowTheIssue() throws Exception {
        LocalStackOptions o = parse();
        assertThat(o.routes).containsExactly(
                home.resolve("sql/demo.sql"), home.resolve("sql/will-to-rocketmq.sql"), home.resolve("sql/rocketmq-to-mqtt.sql"));
        assertThat(o.dataDir).isEqualTo(home.resolve(".local-data"));
        assertThat(o.mqttPort).isEqualTo(1883);
        assertThat(o.kafkaPort).isEqualTo(9092);
        assertThat(o.rocketMqPort).isEqualTo(9876);
        assertThat(o.flinkUiPort).isEqualTo(8081);
        assertThat(o.simulator).isTrue();
        assertThat(o.mqttUri()).isEqualTo("tcp://127.0.0.1:1883");
        // ... and the option table of docs/local-stack.md.
        assertThat(o.functionPort).isEqualTo(8090);
        assertThat(o.functionFailShare).isZero();
        assertThat(o.functionLatency).isEqualTo(Duration.ZERO);
        assertThat(o.vehicles).isEqualTo(20);
        assertThat(o.rate).isEqualTo(20);
        assertThat(o.parallelism).isEqualTo(2);
        assertThat(o.summaryInterval).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void readsEveryOptionInBothSpellings() throws Exception {
        Path routes = Files.writeString(home.resolve("r.sql"), "-- r");
        LocalStackOptions o =
                parse("--routes", routes.toString(), "--no-simulator", "--mqtt-port=11883", "--kafka-port", "19092",
                        "--flink-ui-port", "18081", "--vehicles", "3", "--rate=7", "--parallelism", "1",
                        "--summary-interval", "2", "--data-dir", home.resolve("d").toString());
        assertThat(o.routes).containsExactly(routes);
        assertThat(o.simulator).isFalse();
        assertThat(o.mqttPort).isEqualTo(11883);
        assertThat(o.kafkaPort).isEqualTo(19092);
        assertThat(o.flinkUiPort).isEqualTo(18081);
        assertThat(o.vehicles).isEqualTo(3);
        assertThat(o.rate).isEqualTo(7);
        assertThat(o.parallelism).isEqualTo(1);
        assertThat(o.summaryInterval).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.dataDir).isEqualTo(home.resolve("d"));
        assertThat(o.mqttUri()).isEqualTo("tcp://127.0.0.1:11883");
    }

    @Test
    void externalBrokerReplacesTheEmbeddedOne() throws Exception {
        LocalStackOptions o = parse("--mqtt", "ssl://broker.example:8883");
        assertThat(o.mqttUri()).isEqualTo("ssl://broker.example:8883");
    }

    @Test
    void routesRepeatInTheirOrderAndReplaceTheDemo() throws Exception {
        Path first = Files.writeString(home.resolve("b.sql"), "-- b");
        Path second = Files.writeString(home.resolve("a.sql"), "-- a");
        LocalStackOptions o = parse("--routes", first.toString(), "--routes=" + second);
        assertThat(o.routes).containsExactly(first, second);
        assertThatThrownBy(() -> parse("--routes", first.toString(), "--routes", home.resolve("gone.sql").toString()))
                .hasMessage("--routes: no such file: " + home.resolve("gone.sql"));
    }

    @Test
    void badInputNamesTheOption() {
        assertThatThrownBy(() -> parse("--bogus")).hasMessage("unknown option '--bogus'");
        assertThatThrownBy(() -> parse("stray")).hasMessageContaining("unexpected argument 'stray'");
        assertThatThrownBy(() -> parse("--kafka-port")).hasMessage("--kafka-port needs a value");
        assertThatThrownBy(() -> parse("--mqtt-port", "x"))
                .hasMessage("--mqtt-port must be a port number from 1 to 65535, got 'x'");
        assertThatThrownBy(() -> parse("--rate", "0")).hasMessageContaining("--rate must be a whole number");
        assertThatThrownBy(() -> parse("--mqtt", "http://h:1")).hasMessageContaining("--mqtt must look like tcp://");
        assertThatThrownBy(() -> parse("--routes", home.resolve("missing.sql").toString()))
                .hasMessageContaining("--routes: no such file");
        assertThatThrownBy(() -> parse("--kafka-port", "8081"))
                .hasMessage("--kafka-port and --flink-ui-port are both 8081; give them different ports");
    }

    @Test
    void functionEndpointOptions() throws Exception {
        LocalStackOptions o = parse("--function-port", "9000", "--function-fail-share", "0.25", "--function-latency", "20");
        assertThat(o.functionPort).isEqualTo(9000);
        assertThat(o.functionFailShare).isEqualTo(0.25);
        assertThat(o.functionLatency).isEqualTo(Duration.ofMillis(20));
        assertThat(parse().functionPort).isEqualTo(8090);
        assertThatThrownBy(() -> parse("--function-fail-share", "1.5"))
                .hasMessage("--function-fail-share must be a number from 0 to 1 (e.g. 0.2 for 20 %), got '1.5'");
        assertThatThrownBy(() -> parse("--function-port", "8081"))
                .hasMessageContaining("--flink-ui-port and --function-port are both 8081");
    }

    @Test
    void rocketMqPortIsAnOptionLikeTheOthers() throws Exception {
        assertThat(parse("--rocketmq-port", "19876").rocketMqPort).isEqualTo(19876);
        assertThat(parse("--rocketmq-port=19877").rocketMqPort).isEqualTo(19877);
        assertThatThrownBy(() -> parse("--rocketmq-port", "70000"))
                .hasMessage("--rocketmq-port must be a port number from 1 to 65535, got '70000'");
        assertThatThrownBy(() -> parse("--rocketmq-port", "9092"))
                .hasMessage("--kafka-port and --rocketmq-port are both 9092; give them different ports");
        assertThatThrownBy(() -> parse("--rocketmq-port", "1883"))
                .hasMessage("--mqtt-port and --rocketmq-port are both 1883; give them different ports");
        // An external MQTT broker frees port 1883 locally.
        assertThat(parse("--mqtt", "tcp://broker.example:1883", "--rocketmq-port", "1883").rocketMqPort).isEqualTo(1883);
    }
}
