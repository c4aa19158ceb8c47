package io.mqttbridge.rocketmq.table;

import io.mqttbridge.embedded.EmbeddedRocketMq;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SQL routes into a real RocketMQ (name server and broker in this JVM, topics not created on first
 * use): what arrives (bodies, tags, keys, properties, topics), the errors a route gets (unknown topic,
 * reserved property, bad options, wrong credentials on a broker with ACL), and name server and broker
 * restarts in the middle of a job.
 */
class RocketMqSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder().setNumberSlotsPerTaskManager(2).build());

    @TempDir static Path dataDir;

    private static EmbeddedRocketMq rocketMq;
    private TableEnvironment tables;

    @BeforeAll
    static void startRocketMq() throws Exception {
        rocketMq = EmbeddedRocketMq.start(dataDir, 0, false);
    }

    @AfterAll
    static void stopRocketMq() {
        rocketMq.close();
    }

    @BeforeEach
    void setUp() {
        tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.getConfig().set("parallelism.default", "2");
        tables.getConfig().set("restart-strategy.type", "none");
    }

    @Test
    void rowsArriveWithBodiesTagsKeysPropertiesAndPerRowTopics() throws Exception {
        rocketMq.createTopic("station-wills", 2);
        rocketMq.createTopic("station-status", 1);
        tables.executeSql(
                "CREATE TABLE rmq (station STRING, state STRING,"
                        + " t STRING METADATA FROM 'topic', tag STRING METADATA, k STRING METADATA FROM 'keys',"
                        + " props MAP<STRING, STRING> METADATA FROM 'properties')"
                        + " WITH ('connector' = 'rocketmq', 'name-server' = '" + rocketMq.nameServer() + "',"
                        + " 'topic' = 'station-wills', 'tag' = 'will', 'format' = 'json')");
        tables.executeSql(
                        "INSERT INTO rmq SELECT station, state,"
                                + " CASE WHEN state = 'online' THEN 'station-status' END,"
                                + " CASE WHEN state = 'online' THEN 'status' END,"
                                + " station || ' ' || mqtt_topic,"
                                + " MAP['mqtt-topic', mqtt_topic, 'mqtt-qos', '1', 'absent', CAST(NULL AS STRING)]"
                                + " FROM (VALUES ('st-1', 'offline', 'stations/st-1/will'), ('st-2', 'offline', 'stations/st-2/will'),"
                                + " ('st-3', 'online', 'stations/st-3/status')) AS v(station, state, mqtt_topic)")
                .await(2, TimeUnit.MINUTES);

        List<MessageExt> wills = rocketMq.awaitMessages("station-wills", 2, 30);
        assertThat(wills).hasSize(2);
        assertThat(wills.stream().map(RocketMqSinkITCase::describe).sorted())
                .containsExactly(
                        "will|st-1 stations/st-1/will|stations/st-1/will|1|{\"station\":\"st-1\",\"state\":\"offline\"}",
                        "will|st-2 stations/st-2/will|stations/st-2/will|1|{\"station\":\"st-2\",\"state\":\"offline\"}");
        assertThat(wills).allSatisfy(m -> assertThat(m.getProperties()).doesNotContainKey("absent"));
        List<MessageExt> status = rocketMq.awaitMessages("station-status", 1, 30);
        assertThat(status.stream().map(RocketMqSinkITCase::describe))
                .containsExactly("status|st-3 stations/st-3/status|stations/st-3/status|1|{\"station\":\"st-3\",\"state\":\"online\"}");
    }

    private static String describe(MessageExt m) {
        return m.getTags() + "|" + m.getKeys() + "|" + m.getUserProperty("mqtt-topic") + "|" + m.getUserProperty("mqtt-qos")
                + "|" + new String(m.getBody(), StandardCharsets.UTF_8);
    }

    @Test
    void unknownTopicWithAutoCreateOffFailsTheJobNamingTopicAndNameServer() {
        tables.executeSql(
                "CREATE TABLE rmq (station STRING) WITH ('connector' = 'rocketmq', 'name-server' = '"
                        + rocketMq.nameServer() + "', 'topic' = 'no-such-topic', 'send-timeout' = '2 s', 'retries' = '0')");
        assertThatThrownBy(() -> tables.executeSql("INSERT INTO rmq VALUES ('st-1')").await(2, TimeUnit.MINUTES))
                .hasStackTraceContaining(
                        "Sending to RocketMQ topic 'no-such-topic' via name server '" + rocketMq.nameServer() + "' failed")
                .hasStackTraceContaining("does the topic exist?");
        assertThat(rocketMq.hasTopic("no-such-topic")).isFalse();
    }

    @Test
    void reservedPropertyNameFailsTheJobNamingTheProperty() {
        rocketMq.createTopic("reserved-names", 1);
        tables.executeSql(
                "CREATE TABLE rmq (station STRING, props MAP<STRING, STRING> METADATA FROM 'properties')"
                        + " WITH ('connector' = 'rocketmq', 'name-server' = '" + rocketMq.nameServer() + "', 'topic' = 'reserved-names')");
        assertThatThrownBy(() -> tables.executeSql("INSERT INTO rmq VALUES ('st-1', MAP['DELAY', '3'])").await(2, TimeUnit.MINUTES))
                .hasStackTraceContaining("RocketMQ user property 'DELAY' is refused: RocketMQ reserves that name");
        assertThat(rocketMq.messageCount("reserved-names")).isZero();
    }

    @Test
    void badOptionsFailWhenTheRouteIsPlanned() {
        assertThatThrownBy(() -> plan("'name-server' = '" + rocketMq.nameServer() + "'"))
                .hasStackTraceContaining("Missing required option 'topic': expected the RocketMQ topic to write to, or a writable "
                        + "metadata column 'topic STRING METADATA'");
        assertThatThrownBy(() -> plan("'name-server' = 'localhost', 'topic' = 't'"))
                .hasStackTraceContaining("Invalid value 'localhost' for option 'name-server'");
        assertThatThrownBy(() -> plan("'name-server' = 'h:1', 'topic' = 'a/b'"))
                .hasStackTraceContaining("Invalid value 'a/b' for option 'topic': expected a RocketMQ topic name");
        assertThatThrownBy(() -> plan("'name-server' = 'h:1', 'topic' = 't', 'properties.nope' = '1'"))
                .hasStackTraceContaining("Invalid value '1' for option 'properties.nope'");
        assertThatThrownBy(() -> plan("'name-server' = 'h:1', 'topic' = 't', 'latency-time-column' = 'id'"))
                .hasStackTraceContaining("Invalid value 'id' for option 'latency-time-column': expected a physical TIMESTAMP");
        assertThatThrownBy(() -> plan("'name-server' = 'h:1', 'topic' = 't', 'secret-key' = 'hush'"))
                .hasStackTraceContaining("Missing required option 'access-key'")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hush"));
    }

    @Test
    void withAclRightCredentialsDeliverAndWrongOnesFailNamingTopicAndNameServer(@TempDir Path aclDataDir) throws Exception {
        try (EmbeddedRocketMq acl = EmbeddedRocketMq.startWithAcl(aclDataDir, false, "bridge", "right-secret-1")) {
            acl.createTopic("acl-wills", 1);
            String table = "CREATE TABLE %s (station STRING) WITH ('connector' = 'rocketmq', 'name-server' = '"
                    + acl.nameServer() + "', 'topic' = 'acl-wills', 'access-key' = 'bridge', 'secret-key' = '%s',"
                    + " 'send-timeout' = '2 s', 'retries' = '0', 'format' = 'raw')";
            tables.executeSql(String.format(table, "good", "right-secret-1"));
            tables.executeSql("INSERT INTO good VALUES ('st-1')").await(2, TimeUnit.MINUTES);
            assertThat(acl.awaitMessages("acl-wills", 1, 30))
                    .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
                    .containsExactly("st-1");

            tables.executeSql(String.format(table, "bad", "wrong-secret-2"));
            assertThatThrownBy(() -> tables.executeSql("INSERT INTO bad VALUES ('st-2')").await(2, TimeUnit.MINUTES))
                    .hasStackTraceContaining("Sending to RocketMQ topic 'acl-wills' via name server '" + acl.nameServer() + "' failed")
                    .hasStackTraceContaining("check signature failed")
                    .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("wrong-secret-2").doesNotContain("right-secret-1"));
            assertThat(acl.messageCount("acl-wills")).isEqualTo(1);
        }
    }

    private void plan(String options) {
        tables.executeSql("CREATE TEMPORARY TABLE bad (id STRING) WITH ('connector' = 'rocketmq', " + options + ")");
        try {
            tables.explainSql("INSERT INTO bad SELECT 'x'");
        } finally {
            tables.executeSql("DROP TEMPORARY TABLE bad");
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter s = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(s));
        return s.toString();
    }

    @Test
    void nameServerAndBrokerRestartsDuringTheJobLoseNothing() throws Exception {
        int count = 3000;
        rocketMq.createTopic("numbered", 2);
        tables.getConfig().set("execution.checkpointing.interval", "500 ms");
        tables.getConfig().set("restart-strategy.type", "fixed-delay");
        tables.getConfig().set("restart-strategy.fixed-delay.attempts", "1000");
        tables.getConfig().set("restart-strategy.fixed-delay.delay", "1 s");
        tables.executeSql(
                "CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '300',"
                        + " 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '" + count + "')");
        tables.executeSql(
                "CREATE TABLE rmq (n BIGINT) WITH ('connector' = 'rocketmq', 'name-server' = '" + rocketMq.nameServer()
                        + "', 'topic' = 'numbered', 'send-timeout' = '1 s', 'retries' = '1')");
        TableResult job = tables.executeSql("INSERT INTO rmq SELECT n FROM numbers");

        rocketMq.awaitMessages("numbered", 300, 120);
        // The producers keep their cached routes while the name server is away.
        rocketMq.stopNameServer();
        rocketMq.startNameServer();
        rocketMq.awaitMessages("numbered", 600, 120);
        rocketMq.stopBroker();
        rocketMq.startBroker();
        job.await(5, TimeUnit.MINUTES);

        Pattern number = Pattern.compile("\"n\":(\\d+)");
        Set<Long> seen = rocketMq.messages("numbered").stream()
                .map(m -> number.matcher(new String(m.getBody(), StandardCharsets.UTF_8)))
                .filter(Matcher::find)
                .map(m -> Long.parseLong(m.group(1)))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Long> missing = new TreeSet<>();
        for (long n = 1; n <= count; n++) {
            if (!seen.contains(n)) {
                missing.add(n);
            }
        }
        assertThat(missing).as("numbers missing in RocketMQ after the restarts").isEmpty();
    }
}
