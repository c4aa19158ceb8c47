package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.table.MetadataColumn;
import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;

import javax.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metadata columns of the {@code 'mqtt'} table ({@code METADATA FROM '<key>'}), their types and
 * how each is read from a received {@link MqttMessage}, in Flink's internal data structures.
 */
@Internal
public enum MqttReadableMetadata implements MetadataColumn {
    TOPIC("topic", DataTypes.STRING().notNull(), (m, p) -> StringData.fromString(m.topic())),
    QOS("qos", DataTypes.INT().notNull(), (m, p) -> m.qos()),
    RETAINED("retained", DataTypes.BOOLEAN().notNull(), (m, p) -> m.retained()),
    DUP("dup", DataTypes.BOOLEAN(), (m, p) -> m.dup()),
    PACKET_ID("packet-id", DataTypes.INT(), (m, p) -> m.packetId()),
    MESSAGE_ID("message-id", DataTypes.STRING(), (m, p) -> string(p.messageId(m))),
    TIMESTAMP("timestamp", DataTypes.TIMESTAMP_LTZ(3).notNull(), (m, p) -> TimestampData.fromEpochMillis(p.timestampMillis(m))),
    CLIENT_ID("client-id", DataTypes.STRING(), (m, p) -> string(p.clientId(m))),
    CLIENT_HOST("client-host", DataTypes.STRING(), (m, p) -> string(p.clientHost(m))),
    USERNAME("username", DataTypes.STRING(), (m, p) -> string(p.username(m))),
    USER_PROPERTIES(
            "user-properties", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()), (m, p) -> stringMap(m.userProperties())),
    CONTENT_TYPE("content-type", DataTypes.STRING(), (m, p) -> string(m.contentType())),
    RESPONSE_TOPIC("response-topic", DataTypes.STRING(), (m, p) -> string(m.responseTopic())),
    CORRELATION_DATA("correlation-data", DataTypes.BYTES(), (m, p) -> m.correlationData()),
    MESSAGE_EXPIRY("message-expiry", DataTypes.BIGINT(), (m, p) -> m.messageExpirySeconds()),
    // the exact type of the Kafka connector's writable 'headers' metadata
    HEADERS("headers", DataTypes.MAP(DataTypes.STRING(), DataTypes.BYTES()), MqttReadableMetadata::headers),
    // the same fields as text, for the rocketmq table's writable 'properties'
    PROPERTIES(
            "properties", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()), (m, p) -> stringMap(MqttRocketMqProperties.of(m, p)));

    /** How a column's value is read from a message. */
    @FunctionalInterface
    private interface Reader {
        Object read(MqttMessage message, MqttPropertyMetadata properties);
    }

    private final String key;
    private final DataType dataType;
    private final Reader reader;

    MqttReadableMetadata(String key, DataType dataType, Reader reader) {
        this.key = key;
        this.dataType = dataType;
        this.reader = reader;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    /** The value in Flink's internal representation (StringData, TimestampData, MapData, ...). */
    Object read(MqttMessage message, MqttPropertyMetadata properties) {
        return reader.read(message, properties);
    }

    /** @throws IllegalArgumentException for a key that is not a metadata column of the table */
    public static MqttReadableMetadata ofKey(String key) {
        return MetadataColumn.ofKey(values(), key, "the 'mqtt' table");
    }

    private static GenericMapData headers(MqttMessage message, MqttPropertyMetadata properties) {
        Map<StringData, byte[]> map = new LinkedHashMap<>();
        MqttKafkaHeaders.of(message, properties).forEach((k, v) -> map.put(StringData.fromString(k), v));
        return new GenericMapData(map);
    }

    private static GenericMapData stringMap(Map<String, String> entries) {
        Map<StringData, StringData> map = new LinkedHashMap<>();
        entries.forEach((k, v) -> map.put(StringData.fromString(k), StringData.fromString(v)));
        return new GenericMapData(map);
    }

    @Nullable
    private static StringData string(@Nullable String value) {
        return value == null ? null : StringData.fromString(value);
    }
}
