package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.sink.MqttSinkConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.runtime.connector.sink.SinkRuntimeProviderContext;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 'mqtt' table written to: options, the other direction's options refused, topic per row, user properties. */
class MqttDynamicSinkFactoryTest {

    private static final ResolvedSchema COMMAND_SCHEMA = ResolvedSchema.of(
            Column.physical("vin", DataTypes.STRING()),
            Column.physical("command", DataTypes.STRING()),
            Column.metadata("mqtt_topic", DataTypes.STRING(), "topic", false),
            Column.metadata("props", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()), "user-properties", false));

    private static final ResolvedSchema PLAIN_SCHEMA = ResolvedSchema.of(
            Column.physical("vin", DataTypes.STRING()), Column.physical("command", DataTypes.STRING()));

    static Map<String, String> sinkOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "mqtt");
        options.put("server-uri", "tcp://127.0.0.1:1883");
        options.put("format", "json");
        return options;
    }

    static DynamicTableSink createSink(Map<String, String> options, ResolvedSchema schema) {
        CatalogTable table = CatalogTable.newBuilder()
                .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                .options(options)
                .build();
        return FactoryUtil.createDynamicTableSink(
                null,
                ObjectIdentifier.of("default_catalog", "default_database", "device_commands"),
                new ResolvedCatalogTable(table, schema),
                Collections.emptyMap(),
                new Configuration(),
                MqttDynamicSinkFactoryTest.class.getClassLoader(),
                false);
    }

    @Test
    void sinkOptionsAreRead() {
        Map<String, String> options = sinkOptions();
        options.put("topic", "devices/all/commands");
        options.put("qos", "2");
        options.put("retain", "true");
        options.put("sink.parallelism", "3");
        MqttDynamicSink sink = (MqttDynamicSink) createSink(options, PLAIN_SCHEMA);
        MqttSinkConfig config = sink.config();
        assertThat(config.topic()).isEqualTo("devices/all/commands");
        assertThat(config.qos()).isEqualTo(2);
        assertThat(config.retain()).isTrue();
        assertThat(sink.parallelism()).isEqualTo(3);
    }

    @Test
    void defaultClientIdsAreDistinctFromEverySourceClientId() {
        Map<String, String> options = sinkOptions();
        options.put("topic", "a/b");
        MqttSinkConfig config = ((MqttDynamicSink) createSink(options, PLAIN_SCHEMA)).config();
        assertThat(config.clientIdPrefix()).matches("mqtt-bridge-sink-device_commands-[0-9a-f]{8}");
        assertThat(config.clientId(4)).isEqualTo(config.clientIdPrefix() + "-pub-4");
        // a source's ids are '<prefix>-<n>' and its default prefix ends in 8 hex digits: never '...-pub-<n>'
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(MqttTables.validOptions(), "device_commands");
        String sourceId = source.sourceConfig().clientIdPrefix() + "-4";
        assertThat(sourceId).doesNotEndWith("-pub-4").isNotEqualTo(config.clientId(4));
        assertThat(source.sourceConfig().clientIdPrefix()).isNotEqualTo(config.clientIdPrefix());
    }

    @Test
    void aTopicOptionOrATopicColumnIsRequired() {
        assertThatThrownBy(() -> createSink(sinkOptions(), PLAIN_SCHEMA))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("Missing required option 'topic': expected a topic to publish to, or a column "
                        + "`<name> STRING METADATA FROM 'topic'`");
        // the column alone is enough
        assertThat(createSink(sinkOptions(), COMMAND_SCHEMA)).isInstanceOf(MqttDynamicSink.class);
    }

    @Test
    void aTopicWithWildcardsIsRefused() {
        Map<String, String> options = sinkOptions();
        options.put("topic", "devices/+/commands");
        assertThatThrownBy(() -> createSink(options, PLAIN_SCHEMA))
                .hasStackTraceContaining("Invalid value 'devices/+/commands' for option 'topic': expected a topic name "
                        + "without wildcards '+' and '#'");
    }

    @Test
    void optionsOfTheSourceAreRefusedOnASinkTable() {
        Map<String, String> options = sinkOptions();
        options.put("topic", "a/b");
        options.put("topic-filter", "vehicles/+/battery");
        assertThatThrownBy(() -> createSink(options, PLAIN_SCHEMA))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("Invalid value 'vehicles/+/battery' for option 'topic-filter': expected no value: "
                        + "the option applies only to an mqtt table read from (SELECT ... FROM)");
        for (String key : List.of("shared-group", "ack-mode", "decode-error-handling", "scan.parallelism", "session-expiry")) {
            Map<String, String> more = sinkOptions();
            more.put("topic", "a/b");
            more.put(key, "x");
            assertThatThrownBy(() -> createSink(more, PLAIN_SCHEMA)).as(key)
                    .hasStackTraceContaining("for option '" + key + "': expected no value");
        }
    }

    @Test
    void optionsOfTheSinkAreRefusedOnASourceTable() {
        for (String key : List.of("topic", "retain", "sink.parallelism", "sink.max-in-flight")) {
            Map<String, String> options = MqttTables.validOptions();
            options.put(key, "1");
            assertThatThrownBy(() -> MqttTables.create(options)).as(key)
                    .isInstanceOf(ValidationException.class)
                    .hasStackTraceContaining("Invalid value '1' for option '" + key + "': expected no value: the option "
                            + "applies only to an mqtt table written to (INSERT INTO)");
        }
    }

    @Test
    void userPropertiesNeedMqtt5() {
        Map<String, String> options = sinkOptions();
        options.put("protocol-version", "3.1.1");
        assertThatThrownBy(() -> createSink(options, COMMAND_SCHEMA))
                .hasStackTraceContaining("for option 'protocol-version': expected '5' for a table with a 'user-properties'");
    }

    @Test
    void eachRowGoesToItsTopicWithItsUserPropertiesAndFormattedPayload() throws Exception {
        Map<String, String> options = sinkOptions();
        options.put("topic", "devices/unknown/commands");
        options.put("retain", "true");
        MqttDynamicSink sink = (MqttDynamicSink) createSink(options, COMMAND_SCHEMA);
        sink.applyWritableMetadata(List.of("topic", "user-properties"), null);
        RowDataToMqttMessage serializer = sink.createSerializer(new SinkRuntimeProviderContext(false));
        serializer.open(null);

        Map<StringData, StringData> props = new LinkedHashMap<>();
        props.put(StringData.fromString("message-id"), StringData.fromString("m-1"));
        props.put(StringData.fromString("skipped"), null);
        MqttMessage routed = serializer.serialize(GenericRowData.of(StringData.fromString("v-17"),
                StringData.fromString("lock"), StringData.fromString("devices/v-17/commands"), new GenericMapData(props)));
        assertThat(routed.topic()).isEqualTo("devices/v-17/commands");
        assertThat(routed.userProperties()).containsExactly(Map.entry("message-id", "m-1"));
        assertThat(new String(routed.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"vin\":\"v-17\",\"command\":\"lock\"}");
        assertThat(routed.qos()).isEqualTo(1);
        assertThat(routed.retained()).isTrue();

        MqttMessage fallback = serializer.serialize(GenericRowData.of(StringData.fromString("v-18"),
                StringData.fromString("unlock"), null, null));
        assertThat(fallback.topic()).isEqualTo("devices/unknown/commands");
        assertThat(fallback.userProperties()).isEmpty();

        assertThatThrownBy(() -> serializer.serialize(GenericRowData.of(StringData.fromString("v-19"),
                StringData.fromString("x"), StringData.fromString("devices/#"), null)))
                .hasMessage("Invalid topic 'devices/#' of a row for the mqtt sink: expected a topic name without "
                        + "wildcards '+' and '#', e.g. 'devices/all/commands'");
    }
}
