package io.mqttbridge.rocketmq.table;

import io.mqttbridge.embedded.EmbeddedRocketMq;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A route into a RocketMQ broker with authentication: the right keys deliver, wrong ones fail clearly. */
class RocketMqSinkAclITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder().setNumberSlotsPerTaskManager(1).build());

    @TempDir static Path dataDir;

    private static EmbeddedRocketMq rocketMq;
    private TableEnvironment tables;

    @BeforeAll
    static void startRocketMq() throws Exception {
        rocketMq = EmbeddedRocketMq.startWithAcl(dataDir, false, "bridge", "right-secret-1");
        rocketMq.createTopic("acl-wills", 1);
    }

    @AfterAll
    static void stopRocketMq() {
        rocketMq.close();
    }

    @BeforeEach
    void setUp() {
        tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.getConfig().set("parallelism.default", "1");
        tables.getConfig().set("restart-strategy.type", "none");
    }

    private void createTable(String name, String secret) {
        tables.executeSql(
                "CREATE TABLE " + name + " (station STRING) WITH ('connector' = 'rocketmq', 'name-server' = '"
                        + rocketMq.nameServer() + "', 'topic' = 'acl-wills', 'access-key' = 'bridge', 'secret-key' = '"
                        + secret + "', 'send-timeout' = '2 s', 'retries' = '0', 'format' = 'raw')");
    }

    @Test
    void rightCredentialsDeliverAndWrongOnesFailNamingTopicAndNameServer() throws Exception {
        createTable("good", "right-secret-1");
        tables.executeSql("INSERT INTO good VALUES ('st-1')").await(2, TimeUnit.MINUTES);
        assertThat(rocketMq.awaitMessages("acl-wills", 1, 30))
                .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
                .containsExactly("st-1");

        createTable("bad", "wrong-secret-2");
        assertThatThrownBy(() -> tables.executeSql("INSERT INTO bad VALUES ('st-2')").await(2, TimeUnit.MINUTES))
                .hasStackTraceContaining("Sending to RocketMQ topic 'acl-wills' via name server '" + rocketMq.nameServer() + "' failed")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("wrong-secret-2").doesNotContain("right-secret-1"));
        assertThat(rocketMq.messageCount("acl-wills")).isEqualTo(1);
    }

    private static String stackTrace(Throwable e) {
        StringWriter s = new StringWriter();
        e.printStackTrace(new PrintWriter(s));
        return s.toString();
    }
}
