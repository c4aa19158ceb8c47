package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.options.DeclaredOptions;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.TestKeyStores;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttDynamicTableFactoryTest {

    @TempDir Path tempDir;

    @Test
    void buildsTheSourceConfigOfTheDataStreamBuilderAndDefaultsTheClientIdPrefixToTheTableName() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("qos", "2");
        options.put("ack-mode", "receipt");
        options.put("json.ignore-parse-errors", "true");
        options.put("scan.parallelism", "3");

        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(options);

        Configuration expected = new Configuration();
        expected.set(MqttOptions.SERVER_URI, "tcp://127.0.0.1:1883");
        expected.set(MqttOptions.TOPIC_FILTER, "vehicles/+/battery");
        expected.set(MqttOptions.QOS, 2);
        expected.set(MqttOptions.ACK_MODE, MqttOptions.AckMode.RECEIPT);
        expected.set(
                MqttOptions.CLIENT_ID_PREFIX,
                MqttSourceConfig.defaultClientIdPrefix(
                        null, "vehicle_battery", "default_catalog.default_database.vehicle_battery", List.of("vehicles/+/battery")));
        assertThat(source.sourceConfig()).isEqualTo(MqttSourceConfig.fromConfiguration(expected));
        assertThat(source.sourceConfig().ackMode()).isEqualTo(MqttOptions.AckMode.RECEIPT);
        assertThat(source.sourceConfig().qos()).isEqualTo(2);
        assertThat(source.propertyMetadata())
                .isEqualTo(new MqttPropertyMetadata("message-id", "timestamp", "client-id", "client-host", "username"));
        assertThat(source.parallelism()).isEqualTo(3);
    }

    @Test
    void sourceConfigDiffersWhenAnOptionDiffers() {
        Map<String, String> options = MqttTables.validOptions();
        MqttSourceConfig base = ((MqttDynamicSource) MqttTables.create(options)).sourceConfig();
        options.put("keep-alive", "30 s");
        assertThat(((MqttDynamicSource) MqttTables.create(options)).sourceConfig()).isNotEqualTo(base);
    }

    @Test
    void defaultClientIdPrefixNamesTheSharedGroupAndDiffersBetweenTablesOfTheGroup() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("shared-group", "battery-route");
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(options);
        String prefix = source.sourceConfig().clientIdPrefix();
        assertThat(prefix).matches("mqtt-bridge-battery-route-[0-9a-f]{8}");
        assertThat(source.parallelism()).isNull();

        assertThat(((MqttDynamicSource) MqttTables.create(options)).sourceConfig().clientIdPrefix())
                .as("stable: the same table gives the same prefix on every run")
                .isEqualTo(prefix);
        assertThat(((MqttDynamicSource) MqttTables.create(options, "other_table")).sourceConfig().clientIdPrefix())
                .as("another table in the same group, same filter: its own sessions")
                .startsWith("mqtt-bridge-battery-route-")
                .isNotEqualTo(prefix);
        options.put("topic-filter", "vehicles/+/alarm");
        assertThat(((MqttDynamicSource) MqttTables.create(options)).sourceConfig().clientIdPrefix())
                .as("the same table with another filter: a new session")
                .isNotEqualTo(prefix);
    }

    @Test
    void explicitClientIdPrefixIsKept() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("shared-group", "g");
        options.put("client-id-prefix", "fleet-ingest");
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(options);
        assertThat(source.sourceConfig().clientIdPrefix()).isEqualTo("fleet-ingest");
    }

    @Test
    void overlappingFiltersFailTheTableNamingBoth() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("topic-filter", "vehicles/#,vehicles/+/battery");
        assertThatThrownBy(() -> MqttTables.create(options))
                .isInstanceOf(ValidationException.class)
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'vehicles/#' and 'vehicles/+/battery' overlap");
    }

    @Test
    void everyOptionOfMqttOptionsAndMqttTableOptionsIsAccepted() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("server-uri", "ssl://broker.example:8883"); // the tls.* options need TLS
        options.put("shared-group", "g");
        options.put("subscribers", "4");
        options.put("client-id-prefix", "p");
        options.put("username", "u");
        options.put("password", "secret");
        // accepted spellings are the enum's toString(): '5' and '3.1.1' (see protocolVersion311IsSpelledAsInMqtt)
        options.put("protocol-version", "5");
        options.put("session-expiry", "10 min");
        options.put("receive-maximum", "65535");
        options.put("maximum-packet-size", "1 mb");
        options.put("keep-alive", "30 s");
        options.put("connect-timeout", "5 s");
        options.put("reconnect.initial-backoff", "100 ms");
        options.put("reconnect.max-backoff", "10 s");
        options.put("tls.truststore", TestKeyStores.emptyStore(tempDir.resolve("ca.p12"), "x"));
        options.put("tls.truststore-password", "x");
        options.put("tls.keystore", TestKeyStores.emptyStore(tempDir.resolve("client.p12"), "y"));
        options.put("tls.keystore-password", "y");
        options.put("tls.verify-hostname", "false");
        options.put("qos", "0");
        options.put("ack-mode", "CHECKPOINT");
        options.put("session-lost", "log");
        options.put("message-id.property", "msg-id");
        options.put("timestamp.property", "ts");
        options.put("client-id.property", "cid");
        options.put("client-host.property", "host");
        options.put("username.property", "user");
        options.put("decode-error-handling", "dead-letter");
        options.put("dead-letter.path", "s3://bucket/dead-letters");
        options.put("message-filter", "$QoS = 1");

        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(options);

        // every option of a table read from but scan.parallelism was set above
        Set<String> keys = new TreeSet<>();
        MqttDynamicTableFactory.sourceOptions().forEach(o -> keys.add(o.key()));
        keys.remove("scan.parallelism");
        assertThat(options).containsKeys(keys.toArray(new String[0]));

        MqttSourceConfig config = source.sourceConfig();
        assertThat(config.connection().password()).isEqualTo("secret");
        assertThat(config.connection().protocolVersion()).isEqualTo(MqttOptions.ProtocolVersion.V5);
        assertThat(config.connection().maximumPacketSize()).isEqualTo(1 << 20);
        assertThat(config.connection().keepAliveSeconds()).isEqualTo(30);
        assertThat(config.connection().verifyHostname()).isFalse();
        assertThat(config.subscribers()).isEqualTo(4);
        assertThat(config.clientIdPrefix()).isEqualTo("p");
        assertThat(config.qos()).isZero();
        assertThat(config.sessionLost()).isEqualTo(MqttOptions.SessionLostAction.LOG);
        assertThat(source.propertyMetadata()).isEqualTo(new MqttPropertyMetadata("msg-id", "ts", "cid", "host", "user"));
    }

    @Test
    void protocolVersion311IsSpelledAsInMqtt() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("protocol-version", "3.1.1");
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(options);
        assertThat(source.sourceConfig().connection().protocolVersion()).isEqualTo(MqttOptions.ProtocolVersion.V3_1_1);
    }

    @Test
    void deadLetterHandlingRequiresAPath() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("decode-error-handling", "dead-letter");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessage("Missing required option 'dead-letter.path': expected a directory such as "
                        + "file:///var/dead-letters or s3://bucket/dead-letters, because option "
                        + "'decode-error-handling' is 'dead-letter'");
    }

    @Test
    void deadLetterPathWithoutDeadLetterHandlingIsRefused() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("dead-letter.path", "file:///tmp/dl");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessage("Invalid value 'file:///tmp/dl' for option 'dead-letter.path': expected no value, because "
                        + "option 'decode-error-handling' is 'fail'; set it to 'dead-letter' to use the directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"skip", "dead-letter"})
    void decodeErrorHandlingExcludesTheFormatsIgnoreParseErrors(String handling) {
        Map<String, String> options = MqttTables.validOptions();
        options.put("decode-error-handling", handling);
        options.put("dead-letter.path", "file:///tmp/dl");
        options.put("json.ignore-parse-errors", "true");
        if (handling.equals("skip")) {
            options.remove("dead-letter.path");
        }
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessage("Invalid value 'true' for option 'json.ignore-parse-errors': expected 'false' (the default) "
                        + "with 'decode-error-handling' = '" + handling + "': the format would drop undecodable "
                        + "payloads before '" + handling + "' sees them; choose one of the two");
    }

    @Test
    void tableOnlyOptionsAreNotOptionsOfTheDataStreamBuilder() {
        Set<String> shared = new TreeSet<>(DeclaredOptions.keysIn(MqttOptions.class));
        Set<String> tableOnly = new TreeSet<>(DeclaredOptions.keysIn(MqttTableOptions.class));
        assertThat(tableOnly).containsExactlyInAnyOrder(
                "message-id.property", "timestamp.property", "client-id.property", "client-host.property", "username.property",
                "decode-error-handling", "dead-letter.path", "message-filter");
        assertThat(shared).doesNotContainAnyElementsOf(tableOnly);
    }

    @Test
    void everyOptionHasADescription() {
        MqttDynamicTableFactory factory = new MqttDynamicTableFactory();
        Set<ConfigOption<?>> all = new LinkedHashSet<>(factory.requiredOptions());
        all.addAll(factory.optionalOptions());
        for (ConfigOption<?> option : all) {
            assertThat(option.description().getBlocks()).as(option.key()).isNotEmpty();
        }
    }

    @Test
    void unknownOptionIsNamedWithTheSupportedOnes() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("qos", "1");
        options.put("topic.filter", "a/b");
        assertThatThrownBy(() -> MqttTables.create(options))
                .isInstanceOf(ValidationException.class)
                .cause()
                .hasMessageStartingWith(
                        "Invalid options of the 'mqtt' table: unsupported option(s) 'topic.filter'. "
                                + "Supported options: ack-mode, client-host.property, client-id-prefix, ")
                .hasMessageContaining(", scan.parallelism, server-uri, ")
                .hasMessageEndingWith("and the options of the format, prefixed 'json.'.")
                .hasMessageNotContaining("\n")
                .satisfies(
                        e -> {
                            Set<String> keys = new TreeSet<>(DeclaredOptions.keysIn(MqttOptions.class));
                            keys.addAll(DeclaredOptions.keysIn(MqttTableOptions.class));
                            for (String key : keys) {
                                assertThat(e.getMessage()).contains(" " + key + ",");
                            }
                        });
    }

    @Test
    void typoInARequiredOptionIsNamedAsMissingAndAsUnsupportedInOneLine() {
        Map<String, String> options = MqttTables.validOptions();
        options.remove("topic-filter");
        options.put("topic-filtre", "a/b");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessageStartingWith(
                        "Invalid options of the 'mqtt' table: missing required option(s) 'topic-filter'; "
                                + "unsupported option(s) 'topic-filtre'. Supported options: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void unknownOptionOfTheFormatIsNamedByFlink() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("json.ignore-parse-error", "true");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessageContaining("Unsupported options found for 'mqtt'")
                .hasMessageContaining("json.ignore-parse-error\n")
                .hasMessageContaining("json.ignore-parse-errors");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-uri", "topic-filter", "format"})
    void missingRequiredOptionIsNamed(String key) {
        Map<String, String> options = MqttTables.validOptions();
        options.remove(key);
        assertThatThrownBy(() -> MqttTables.create(options))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining(key);
    }

    @Test
    void missingFormatIsReportedAsMissing() {
        Map<String, String> options = MqttTables.validOptions();
        options.remove("format");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessageStartingWith("Invalid options of the 'mqtt' table: missing required option(s) 'format'. ");
    }

    @Test
    void unknownFormatIsNamedByFlinkWithTheAvailableOnes() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("format", "jsn");
        assertThatThrownBy(() -> MqttTables.create(options))
                .hasStackTraceContaining("Could not find any factory for identifier 'jsn'")
                .hasStackTraceContaining("json");
    }

    @Test
    void missingServerUriIsReportedAsMissing() {
        Map<String, String> options = MqttTables.validOptions();
        options.remove("server-uri");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessageStartingWith("Invalid options of the 'mqtt' table: missing required option(s) 'server-uri'. ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/#/b", "+x", "a/b,sensors/#/x", "a/b#"})
    void invalidTopicFilterIsNamed(String filter) {
        Map<String, String> options = MqttTables.validOptions();
        options.put("topic-filter", filter);
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Invalid value '" + filter + "' for option 'topic-filter': expected one or more MQTT topic filters")
                .hasMessageContaining("Invalid topic filter " + (filter.contains(",") ? "'sensors/#/x'" : "'" + filter + "'"));
    }

    @Test
    void invalidTopicFilterMessageQuotesTheFilter() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("topic-filter", "ok/+, a/#/b");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessage("Invalid value 'ok/+, a/#/b' for option 'topic-filter': expected one or more MQTT topic filters, "
                        + "comma-separated (e.g. 'devices/+/state'). Invalid topic filter 'a/#/b': '#' must be the last level");
    }

    @Test
    void qosOutOfRangeNamesTheAcceptedValues() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("qos", "3");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessage("Invalid value '3' for option 'qos': expected a whole number from 0 to 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536"})
    void receiveMaximumOutOfRangeNamesTheAcceptedValues(String value) {
        Map<String, String> options = MqttTables.validOptions();
        options.put("receive-maximum", value);
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessage("Invalid value '" + value + "' for option 'receive-maximum': expected a whole number from 1 to 65535");
    }

    @ParameterizedTest
    @ValueSource(strings = {"500 ms", "999 ms", "65536 s"})
    void keepAliveThatMqttCannotSendIsRejected(String value) {
        Map<String, String> options = MqttTables.validOptions();
        options.put("keep-alive", value);
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessage("Invalid value '" + value + "' for option 'keep-alive': expected 0 s (off) or 1 s to 65535 s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 s", "1 s", "65535 s"})
    void keepAliveOfZeroOrWholeSecondsIsAccepted(String value) {
        Map<String, String> options = MqttTables.validOptions();
        options.put("keep-alive", value);
        MqttTables.create(options);
    }

    @Test
    void missingTrustStoreIsNamedAtPlanTime() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("server-uri", "ssl://broker.example:8883");
        String missing = tempDir.resolve("nope.p12").toString();
        options.put("tls.truststore", missing);
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessage("Invalid value '" + missing + "' for option 'tls.truststore': expected an existing PKCS12 or JKS file (no such file)");
    }

    @Test
    void keyStoreWithAWrongPasswordIsNamedAtPlanTime() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("server-uri", "ssl://broker.example:8883");
        String store = TestKeyStores.emptyStore(tempDir.resolve("client.p12"), "right");
        options.put("tls.keystore", store);
        options.put("tls.keystore-password", "wrong");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Invalid value '" + store + "' for option 'tls.keystore': expected a PKCS12 or JKS file "
                        + "readable with option 'tls.keystore-password' (");
    }

    @Test
    void trustStoreWithoutTlsIsRejected() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("tls.truststore", "/etc/ca.p12");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessage("Invalid value '/etc/ca.p12' for option 'tls.truststore': expected no store with a plain "
                        + "server-uri ('tcp://127.0.0.1:1883'); use ssl://host:port for TLS");
    }

    @Test
    void unknownAckModeNamesTheAcceptedValues() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("ack-mode", "sometimes");
        assertThatThrownBy(() -> MqttTables.create(options))
                .hasStackTraceContaining("ack-mode")
                .hasStackTraceContaining("CHECKPOINT")
                .hasStackTraceContaining("RECEIPT");
    }

    @Test
    void qosThatIsNotANumberIsNamed() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("qos", "one");
        assertThatThrownBy(() -> MqttTables.create(options))
                .hasStackTraceContaining("Invalid value for option 'qos'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://broker:1883", "127.0.0.1:1883", "tcp://", "ws://broker:8000"})
    void serverUriWithoutTcpOrSslSchemeIsRejected(String uri) {
        Map<String, String> options = MqttTables.validOptions();
        options.put("server-uri", uri);
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("for option 'server-uri'")
                .hasMessageContaining("tcp://host:port")
                .hasMessageContaining("ssl://host:port");
    }

    @Test
    void severalSubscribersWithoutSharedGroupAreRejectedWithTheReason() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("subscribers", "2");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessage(
                        "Missing required option 'shared-group': expected a shared subscription group, because option "
                                + "'subscribers' = 2: without a shared subscription every subscriber would receive every "
                                + "message (duplicates). Set 'shared-group' or use 'subscribers' = 1.");
    }

    @Test
    void subscribersBelowOneAreRejected() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("shared-group", "g");
        options.put("subscribers", "0");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessage("Invalid value '0' for option 'subscribers': expected a whole number of at least 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "g+", "#"})
    void sharedGroupWithTopicCharactersIsRejected(String group) {
        Map<String, String> options = MqttTables.validOptions();
        options.put("shared-group", group);
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessage(
                        "Invalid value '" + group + "' for option 'shared-group': expected a non-empty name "
                                + "without '/', '+' or '#'");
    }

    @Test
    void maxBackoffBelowInitialBackoffIsRejected() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("reconnect.initial-backoff", "5 s");
        options.put("reconnect.max-backoff", "1 s");
        assertThatThrownBy(() -> MqttTables.create(options))
                .cause()
                .hasMessage(
                        "Invalid value '1 s' for option 'reconnect.max-backoff': expected a duration not shorter than "
                                + "option 'reconnect.initial-backoff' (5 s)");
    }

    @Test
    void passwordNeverAppearsInAnError() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("password", "hunter2-very-secret");
        options.put("qos", "7");
        assertThatThrownBy(() -> MqttTables.create(options))
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hunter2-very-secret"));
        assertThat(MqttTables.create(MqttTables.validOptions()).asSummaryString()).isEqualTo("MQTT");
    }

    @Test
    void listsExactlyTheDocumentedMetadataColumns() {
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(MqttTables.validOptions());
        Map<String, DataType> expected = new LinkedHashMap<>();
        expected.put("topic", DataTypes.STRING().notNull());
        expected.put("qos", DataTypes.INT().notNull());
        expected.put("retained", DataTypes.BOOLEAN().notNull());
        expected.put("dup", DataTypes.BOOLEAN());
        expected.put("packet-id", DataTypes.INT());
        expected.put("message-id", DataTypes.STRING());
        expected.put("timestamp", DataTypes.TIMESTAMP_LTZ(3).notNull());
        expected.put("client-id", DataTypes.STRING());
        expected.put("client-host", DataTypes.STRING());
        expected.put("username", DataTypes.STRING());
        expected.put("user-properties", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()));
        expected.put("content-type", DataTypes.STRING());
        expected.put("response-topic", DataTypes.STRING());
        expected.put("correlation-data", DataTypes.BYTES());
        expected.put("message-expiry", DataTypes.BIGINT());
        expected.put("headers", DataTypes.MAP(DataTypes.STRING(), DataTypes.BYTES()));
        expected.put("properties", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()));
        assertThat(source.listReadableMetadata()).containsExactlyEntriesOf(expected);
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
