package io.mqttbridge.mqtt.table;

import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.connector.source.ScanRuntimeProviderContext;
import org.apache.flink.table.types.DataType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttRowDataDeserializerTest {

    private static final long RECEIVED_AT = 1_800_000_000_000L;

    private static final ResolvedSchema NOT_NULL_VEHICLE_SCHEMA =
            ResolvedSchema.of(
                    Column.physical("vehicle", DataTypes.STRING().notNull()),
                    Column.physical("soc", DataTypes.DOUBLE()));

    private final Map<String, Counter> counters = new HashMap<>();

    @Test
    void decodesJsonPayloadIntoPhysicalColumns() throws Exception {
        MqttRowDataDeserializer deserializer = deserializer(MqttTables.validOptions(), MqttTables.VEHICLE_SCHEMA, List.of());

        List<RowData> rows = deserialize(deserializer, message("{\"vehicle\":\"v-1\",\"soc\":42.5,\"extra\":1}"));

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getArity()).isEqualTo(2);
        assertThat(rows.get(0).getString(0).toString()).isEqualTo("v-1");
        assertThat(rows.get(0).getDouble(1)).isEqualTo(42.5);
    }

    @Test
    void jsonArrayPayloadGivesOneRowPerElementEachWithTheMetadata() throws Exception {
        MqttRowDataDeserializer deserializer =
                deserializer(MqttTables.validOptions(), MqttTables.VEHICLE_SCHEMA, List.of("packet-id"));

        List<RowData> rows =
                deserialize(deserializer, message("[{\"vehicle\":\"a\",\"soc\":1},{\"vehicle\":\"b\",\"soc\":2}]"));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getString(0).toString()).isEqualTo("a");
        assertThat(rows.get(1).getString(0).toString()).isEqualTo("b");
        assertThat(rows.get(1).getInt(2)).isEqualTo(17);
    }

    @Test
    void decodesCsvPayload() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("format", "csv");
        MqttRowDataDeserializer deserializer = deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of("topic"));

        List<RowData> rows = deserialize(deserializer, message("v-2,17.25"));

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getString(0).toString()).isEqualTo("v-2");
        assertThat(rows.get(0).getDouble(1)).isEqualTo(17.25);
        assertThat(rows.get(0).getString(2).toString()).isEqualTo("vehicles/v-7/battery");
    }

    @Test
    void rawFormatPassesThePayloadBytesThrough() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("format", "raw");
        ResolvedSchema schema = ResolvedSchema.of(Column.physical("payload", DataTypes.BYTES()));
        MqttRowDataDeserializer deserializer = deserializer(options, schema, List.of("qos"));
        byte[] payload = {0, 1, (byte) 0xfe, (byte) 0xff};

        List<RowData> rows = deserialize(deserializer, message(payload, Map.of()));

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getBinary(0)).containsExactly(payload);
        assertThat(rows.get(0).getInt(1)).isEqualTo(1);
    }

    @Test
    void appendsEveryMetadataColumnInTheRequestedOrder() throws Exception {
        List<String> keys =
                Arrays.asList(
                        "headers", "topic", "qos", "retained", "dup", "packet-id", "message-id", "timestamp",
                        "client-id", "client-host", "username", "user-properties", "content-type",
                        "response-topic", "correlation-data", "message-expiry");
        MqttRowDataDeserializer deserializer = deserializer(MqttTables.validOptions(), MqttTables.VEHICLE_SCHEMA, keys);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("message-id", "m-9");
        props.put("timestamp", "1700000000123");
        props.put("client-id", "dev-7");
        props.put("client-host", "10.1.2.3");
        props.put("username", "fleet");
        props.put("vehicle-type", "van");
        MqttMessage message =
                MqttMessage.builder()
                        .setTopic("vehicles/v-7/battery")
                        .setPayload("{\"vehicle\":\"v-7\",\"soc\":80}".getBytes(StandardCharsets.UTF_8))
                        .setQos(2)
                        .setRetained(true)
                        .setDup(true)
                        .setPacketId(321)
                        .setUserProperties(props)
                        .setContentType("application/json")
                        .setResponseTopic("replies/v-7")
                        .setCorrelationData(new byte[] {9, 8})
                        .setMessageExpirySeconds(60L)
                        .setReceivedAtMillis(RECEIVED_AT)
                        .build();

        RowData row = deserialize(deserializer, message).get(0);

        assertThat(row.getArity()).isEqualTo(2 + keys.size());
        assertThat(row.getString(0).toString()).isEqualTo("v-7");
        assertThat(row.getDouble(1)).isEqualTo(80.0);
        Map<String, String> headers = MqttKafkaHeadersTest.text(bytesMap(row.getMap(2)));
        assertThat(headers).containsEntry("mqtt.topic", "vehicles/v-7/battery").containsEntry("vehicle-type", "van")
                .containsEntry("mqtt.packet-id", "321").containsEntry("mqtt.dup", "true");
        assertThat(row.getString(3).toString()).isEqualTo("vehicles/v-7/battery");
        assertThat(row.getInt(4)).isEqualTo(2);
        assertThat(row.getBoolean(5)).isTrue();
        assertThat(row.getBoolean(6)).isTrue();
        assertThat(row.getInt(7)).isEqualTo(321);
        assertThat(row.getString(8).toString()).isEqualTo("m-9");
        assertThat(row.getTimestamp(9, 3).getMillisecond()).isEqualTo(1_700_000_000_123L);
        assertThat(row.getString(10).toString()).isEqualTo("dev-7");
        assertThat(row.getString(11).toString()).isEqualTo("10.1.2.3");
        assertThat(row.getString(12).toString()).isEqualTo("fleet");
        assertThat(stringMap(row.getMap(13))).isEqualTo(props);
        assertThat(row.getString(14).toString()).isEqualTo("application/json");
        assertThat(row.getString(15).toString()).isEqualTo("replies/v-7");
        assertThat(row.getBinary(16)).containsExactly(9, 8);
        assertThat(row.getLong(17)).isEqualTo(60L);
    }

    @Test
    void metadataTheBrokerOrPublisherDidNotSendIsNull() throws Exception {
        List<String> keys =
                Arrays.asList(
                        "dup", "packet-id", "message-id", "timestamp", "client-id", "client-host", "username",
                        "content-type", "response-topic", "correlation-data", "message-expiry", "user-properties");
        MqttRowDataDeserializer deserializer = deserializer(MqttTables.validOptions(), MqttTables.VEHICLE_SCHEMA, keys);
        MqttMessage message =
                MqttMessage.builder()
                        .setTopic("t")
                        .setPayload("{}".getBytes(StandardCharsets.UTF_8))
                        .setQos(0)
                        .setReceivedAtMillis(RECEIVED_AT)
                        .build();

        RowData row = deserialize(deserializer, message).get(0);

        for (int i = 2; i < 2 + keys.size(); i++) {
            String key = keys.get(i - 2);
            if (key.equals("timestamp")) {
                // the only fallback: the time the source received the message
                assertThat(row.getTimestamp(i, 3).getMillisecond()).isEqualTo(RECEIVED_AT);
            } else if (key.equals("user-properties")) {
                assertThat(row.getMap(i).size()).isZero();
            } else {
                assertThat(row.isNullAt(i)).as(key).isTrue();
            }
        }
    }

    @Test
    void metadataPropertyNamesAreConfigurable() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("message-id.property", "msg");
        options.put("client-id.property", "device");
        MqttRowDataDeserializer deserializer =
                deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of("message-id", "client-id"));

        RowData row = deserialize(deserializer, message("{}".getBytes(StandardCharsets.UTF_8),
                Map.of("msg", "abc", "device", "d-1", "message-id", "ignored"))).get(0);

        assertThat(row.getString(2).toString()).isEqualTo("abc");
        assertThat(row.getString(3).toString()).isEqualTo("d-1");
    }

    @Test
    void undecodableJsonFailsNamingTopicPacketIdAndFormat() throws Exception {
        MqttRowDataDeserializer deserializer = deserializer(MqttTables.validOptions(), MqttTables.VEHICLE_SCHEMA, List.of());

        assertThatThrownBy(() -> deserialize(deserializer, message("{not json")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(
                        "Cannot decode the payload of the MQTT message on topic 'vehicles/v-7/battery' packet id 17 "
                                + "with format 'json': ")
                .hasMessageContaining("json.ignore-parse-errors");
    }

    @Test
    void ignoreParseErrorsSkipsTheMessageAndCountsIt() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("json.ignore-parse-errors", "true");
        MqttRowDataDeserializer deserializer = deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of("topic"));

        assertThat(deserialize(deserializer, message("{not json"))).isEmpty();
        assertThat(deserialize(deserializer, message("{\"vehicle\":\"v-1\",\"soc\":1}"))).hasSize(1);
        assertThat(deserialize(deserializer, message("also not json"))).isEmpty();

        assertThat(counters.get(MqttRowDataDeserializer.PAYLOADS_SKIPPED).getCount()).isEqualTo(2);
    }

    @Test
    void skipDropsTheUndecodableMessageCountsItAndLogsItsIdentityWithoutThePayload() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("decode-error-handling", "skip");
        MqttRowDataDeserializer deserializer = deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of("topic"));

        try (LogCapture logs = new LogCapture(MqttDecodeErrorPolicy.class.getName())) {
            assertThat(deserialize(deserializer, message("{\"vehicle\":\"secret-v\"", Map.of("message-id", "m-3"))))
                    .isEmpty();
            assertThat(deserialize(deserializer, message("{\"vehicle\":\"v-1\",\"soc\":1}"))).hasSize(1);

            assertThat(logs.warnings("")).containsExactly(
                    "Skipped the MQTT message on topic 'vehicles/v-7/battery' packet id 17 message id 'm-3' "
                            + "('decode-error-handling' = 'skip'): the payload cannot be decoded with format 'json' "
                            + "(JsonEOFException). The payload is not logged; 'dead-letter' would keep it.");
        }
        assertThat(counters.get(MqttDecodeErrorPolicy.SKIPPED).getCount()).isEqualTo(1);
        assertThat(counters.get(MqttDecodeErrorPolicy.DEAD_LETTERED).getCount()).isZero();
        assertThat(counters.get(MqttRowDataDeserializer.PAYLOADS_SKIPPED).getCount()).isZero();
    }

    @Test
    void deadLetterWritesEachUndecodableMessageToItsOwnFile(@TempDir java.nio.file.Path dir) throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("decode-error-handling", "dead-letter");
        options.put("dead-letter.path", dir.toUri().toString());
        MqttRowDataDeserializer deserializer = deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of());
        byte[] binary = {(byte) 0xff, 0, '{'};

        assertThat(deserialize(deserializer, message(binary, Map.of("message-id", "m-1")))).isEmpty();
        assertThat(deserialize(deserializer, message("{\"vehicle\":\"v-1\",\"soc\":1}"))).hasSize(1);
        assertThat(deserialize(deserializer, message("nope"))).isEmpty();

        List<JsonNode> letters = deadLetters(dir);
        assertThat(letters).hasSize(2);
        JsonNode first = letters.stream().filter(l -> !l.get("message-id").isNull()).findFirst().orElseThrow();
        assertThat(first.get("table").asText()).isEqualTo("vehicle_battery");
        assertThat(first.get("topic").asText()).isEqualTo("vehicles/v-7/battery");
        assertThat(first.get("packet-id").asInt()).isEqualTo(17);
        assertThat(first.get("message-id").asText()).isEqualTo("m-1");
        assertThat(first.get("qos").asInt()).isEqualTo(1);
        assertThat(first.get("received").asText()).isEqualTo(java.time.Instant.ofEpochMilli(RECEIVED_AT).toString());
        assertThat(Base64.getDecoder().decode(first.get("payload").asText())).containsExactly(binary);
        assertThat(first.get("error").asText()).startsWith(
                "Cannot decode the payload of the MQTT message on topic 'vehicles/v-7/battery' packet id 17 "
                        + "message id 'm-1' with format 'json': ");
        JsonNode second = letters.stream().filter(l -> l.get("message-id").isNull()).findFirst().orElseThrow();
        assertThat(new String(Base64.getDecoder().decode(second.get("payload").asText()), StandardCharsets.UTF_8))
                .isEqualTo("nope");
        assertThat(counters.get(MqttDecodeErrorPolicy.DEAD_LETTERED).getCount()).isEqualTo(2);
        assertThat(counters.get(MqttDecodeErrorPolicy.SKIPPED).getCount()).isZero();
    }

    @Test
    void aDeadLetterThatCannotBeWrittenFailsNamingTheMessage(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Map<String, String> options = MqttTables.validOptions();
        options.put("decode-error-handling", "dead-letter");
        options.put("dead-letter.path", notADirectory.toUri().toString());
        MqttRowDataDeserializer deserializer = deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of());

        assertThatThrownBy(() -> deserialize(deserializer, message("{not json")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Cannot write the undecodable MQTT message on topic 'vehicles/v-7/battery' "
                        + "packet id 17 to 'dead-letter.path' " + notADirectory.toUri())
                .hasMessageEndingWith("The message is not acknowledged; the broker delivers it again after the restart.");
        assertThat(counters.get(MqttDecodeErrorPolicy.DEAD_LETTERED).getCount()).isZero();
    }

    @Test
    void aNotNullColumnWithoutValueFailsNamingTheColumnAndTheMessage() throws Exception {
        MqttRowDataDeserializer deserializer =
                deserializer(MqttTables.validOptions(), NOT_NULL_VEHICLE_SCHEMA, List.of());

        assertThat(deserialize(deserializer, message("{\"vehicle\":\"v-1\"}"))).hasSize(1); // soc may be null
        assertThatThrownBy(() -> deserialize(deserializer, message("{\"soc\":3}")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Cannot decode the MQTT message on topic 'vehicles/v-7/battery' packet id 17: "
                        + "the NOT NULL column 'vehicle' has no value in the payload (format 'json').")
                .hasMessageContaining("'decode-error-handling'");
    }

    @Test
    void aNotNullColumnWithoutValueIsSkippedLikeAnUndecodablePayload() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("decode-error-handling", "skip");
        MqttRowDataDeserializer deserializer = deserializer(options, NOT_NULL_VEHICLE_SCHEMA, List.of());

        try (LogCapture logs = new LogCapture(MqttDecodeErrorPolicy.class.getName())) {
            // one element of an array without the column rejects the whole message
            assertThat(deserialize(deserializer,
                    message("[{\"vehicle\":\"a\",\"soc\":1},{\"vehicle\":null,\"soc\":2}]"))).isEmpty();
            assertThat(logs.warnings("")).containsExactly(
                    "Skipped the MQTT message on topic 'vehicles/v-7/battery' packet id 17 ('decode-error-handling' = "
                            + "'skip'): the NOT NULL column 'vehicle' has no value in the payload (format 'json'). "
                            + "The payload is not logged; 'dead-letter' would keep it.");
        }
        assertThat(counters.get(MqttDecodeErrorPolicy.SKIPPED).getCount()).isEqualTo(1);
    }

    @Test
    void describeNamesTopicPacketIdAndTheConfiguredMessageId() throws Exception {
        Map<String, String> options = MqttTables.validOptions();
        options.put("message-id.property", "msg");
        MqttRowDataDeserializer deserializer = deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of());

        assertThat(deserializer.describe(message("{}", Map.of("msg", "m-9"))))
                .isEqualTo("topic 'vehicles/v-7/battery' packet id 17 message id 'm-9'");
        assertThat(deserializer.describe(message("{}", Map.of("message-id", "other"))))
                .isEqualTo("topic 'vehicles/v-7/battery' packet id 17");
    }

    @ParameterizedTest(name = "json.ignore-parse-errors = {0}")
    @ValueSource(booleans = {false, true})
    void failureAfterTheSourceIsNeitherHiddenNorReportedAsADecodingError(boolean ignoreParseErrors)
            throws Exception {
        // json with ignore-parse-errors catches every Throwable thrown inside its collect() call
        Map<String, String> options = MqttTables.validOptions();
        options.put("json.ignore-parse-errors", String.valueOf(ignoreParseErrors));
        MqttRowDataDeserializer deserializer = deserializer(options, MqttTables.VEHICLE_SCHEMA, List.of("topic"));
        IllegalStateException downstream = new IllegalStateException("sink broke");
        Collector<RowData> failing =
                new Collector<>() {
                    @Override
                    public void collect(RowData record) {
                        throw downstream;
                    }

                    @Override
                    public void close() {}
                };

        assertThatThrownBy(() -> deserializer.deserialize(message("{\"vehicle\":\"v\"}"), failing)).isSameAs(downstream);
    }

    @Test
    void producedTypeCoversPhysicalAndMetadataColumns() throws Exception {
        MqttRowDataDeserializer deserializer =
                deserializer(MqttTables.validOptions(), MqttTables.VEHICLE_SCHEMA, List.of("topic", "headers"));
        assertThat(deserializer.getProducedType().toString()).contains("vehicle", "soc", "topic", "headers");
    }

    // ---------------------------------------------------------------------------------------

    private MqttRowDataDeserializer deserializer(
            Map<String, String> options, ResolvedSchema schema, List<String> metadataKeys) throws Exception {
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(options, schema);
        List<DataTypes.Field> fields = new ArrayList<>();
        for (Column column : schema.getColumns()) {
            fields.add(DataTypes.FIELD(column.getName(), column.getDataType()));
        }
        Map<String, DataType> metadata = source.listReadableMetadata();
        for (String key : metadataKeys) {
            fields.add(DataTypes.FIELD(key, metadata.get(key)));
        }
        source.applyReadableMetadata(metadataKeys, DataTypes.ROW(fields.toArray(new DataTypes.Field[0])));
        MqttRowDataDeserializer deserializer = source.createDeserializer(ScanRuntimeProviderContext.INSTANCE);
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return new UnregisteredMetricsGroup() {
                            @Override
                            public Counter counter(String name) {
                                return counters.computeIfAbsent(name, n -> new SimpleCounter());
                            }
                        };
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
                    }
                });
        return deserializer;
    }

    private static List<RowData> deserialize(MqttRowDataDeserializer deserializer, MqttMessage message)
            throws IOException {
        List<RowData> rows = new ArrayList<>();
        deserializer.deserialize(
                message,
                new Collector<>() {
                    @Override
                    public void collect(RowData record) {
                        rows.add(record);
                    }

                    @Override
                    public void close() {}
                });
        return rows;
    }

    private static MqttMessage message(String payload) {
        return message(payload, Map.of());
    }

    private static MqttMessage message(String payload, Map<String, String> userProperties) {
        return message(payload.getBytes(StandardCharsets.UTF_8), userProperties);
    }

    private static List<JsonNode> deadLetters(java.nio.file.Path dir) throws IOException {
        List<JsonNode> letters = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            for (java.nio.file.Path file : files.sorted().collect(Collectors.toList())) {
                assertThat(file.getFileName().toString()).startsWith("vehicle_battery-").endsWith(".jsonl");
                List<String> lines = Files.readAllLines(file);
                assertThat(lines).hasSize(1);
                letters.add(new ObjectMapper().readTree(lines.get(0)));
            }
        }
        return letters;
    }

    private static MqttMessage message(byte[] payload, Map<String, String> userProperties) {
        return MqttMessage.builder()
                .setTopic("vehicles/v-7/battery")
                .setPayload(payload)
                .setQos(1)
                .setDup(false)
                .setPacketId(17)
                .setUserProperties(userProperties)
                .setReceivedAtMillis(RECEIVED_AT)
                .build();
    }

    private static Map<String, byte[]> bytesMap(MapData map) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        ArrayData keys = map.keyArray();
        ArrayData values = map.valueArray();
        for (int i = 0; i < map.size(); i++) {
            result.put(keys.getString(i).toString(), values.getBinary(i));
        }
        return result;
    }

    private static Map<String, String> stringMap(MapData map) {
        Map<String, String> result = new LinkedHashMap<>();
        ArrayData keys = map.keyArray();
        ArrayData values = map.valueArray();
        for (int i = 0; i < map.size(); i++) {
            result.put(keys.getString(i).toString(), values.getString(i).toString());
        }
        return result;
    }
}
