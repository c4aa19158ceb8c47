package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.table.MetadataColumn;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

import javax.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The metadata columns of the {@code 'rocketmq'} table when read ({@code METADATA FROM '<key>'}),
 * their types and how each is read from a pulled message, in Flink's internal data structures.
 */
@Internal
public enum RocketMqReadableMetadata implements MetadataColumn {
    TOPIC("topic", DataTypes.STRING().notNull(), m -> StringData.fromString(m.getTopic())),
    TAG("tag", DataTypes.STRING(), m -> string(m.getTags())),
    KEYS("keys", DataTypes.STRING(), m -> string(m.getKeys())),
    MSG_ID("msg-id", DataTypes.STRING().notNull(), RocketMqReadableMetadata::msgId),
    PROPERTIES(
            "properties", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()).notNull(), RocketMqReadableMetadata::userProperties),
    BORN_TIMESTAMP("born-timestamp", DataTypes.TIMESTAMP_LTZ(3).notNull(), m -> TimestampData.fromEpochMillis(m.getBornTimestamp())),
    STORE_TIMESTAMP("store-timestamp", DataTypes.TIMESTAMP_LTZ(3).notNull(), m -> TimestampData.fromEpochMillis(m.getStoreTimestamp())),
    QUEUE_ID("queue-id", DataTypes.INT().notNull(), m -> m.getQueueId()),
    QUEUE_OFFSET("queue-offset", DataTypes.BIGINT().notNull(), m -> m.getQueueOffset()),
    BROKER("broker", DataTypes.STRING().notNull(), m -> StringData.fromString(m.getBrokerName()));

    private final String key;
    private final DataType dataType;
    private final Function<MessageExt, Object> reader;

    RocketMqReadableMetadata(String key, DataType dataType, Function<MessageExt, Object> reader) {
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

    /** The value in Flink's internal representation. */
    Object read(MessageExt message) {
        return reader.apply(message);
    }

    /** @throws IllegalArgumentException for a key that is not a readable metadata column */
    public static RocketMqReadableMetadata ofKey(String key) {
        return MetadataColumn.ofKey(values(), key, "the 'rocketmq' table as a source");
    }

    /** The id the producer gave the message (what RocketMQ's tools show), else the broker's offset id. */
    private static StringData msgId(MessageExt m) {
        String id = MessageClientIDSetter.getUniqID(m);
        return StringData.fromString(id != null ? id : m.getMsgId());
    }

    /** The message's properties without those RocketMQ reserves for itself. */
    private static GenericMapData userProperties(MessageExt m) {
        Map<StringData, StringData> map = new LinkedHashMap<>();
        m.getProperties().forEach((k, v) -> {
            if (!MessageConst.STRING_HASH_SET.contains(k)) {
                map.put(StringData.fromString(k), StringData.fromString(v));
            }
        });
        return new GenericMapData(map);
    }

    @Nullable
    private static StringData string(@Nullable String value) {
        return value == null ? null : StringData.fromString(value);
    }
}
