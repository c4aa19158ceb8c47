package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.table.MetadataColumn;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;

/**
 * The writable metadata of a {@code rocketmq} sink table: {@code topic STRING METADATA} and so on.
 * Metadata columns, not physical ones, so they stay out of the message body the format writes.
 */
@Internal
enum RocketMqWritableMetadata implements MetadataColumn {
    /** The topic of the row's message; NULL: option 'topic'. */
    TOPIC("topic", DataTypes.STRING().nullable()),
    /** The tag; NULL: option 'tag' (or none). */
    TAG("tag", DataTypes.STRING().nullable()),
    /** The message keys (RocketMQ's index), several separated by a space. */
    KEYS("keys", DataTypes.STRING().nullable()),
    /** User properties; names RocketMQ reserves are refused. */
    PROPERTIES("properties", DataTypes.MAP(DataTypes.STRING().nullable(), DataTypes.STRING().nullable()).nullable());

    private final String key;
    private final DataType type;

    RocketMqWritableMetadata(String key, DataType type) {
        this.key = key;
        this.type = type;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public DataType dataType() {
        return type;
    }
}
