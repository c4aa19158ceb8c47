package io.mqttbridge.rocketmq.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;

/**
 * The writable metadata of a {@code rocketmq} sink table: {@code topic STRING METADATA} and so on.
 * Metadata columns, not physical ones, so they stay out of the message body the format writes.
 */
@Internal
enum RocketMqWritableMetadata {
    /** The topic of the row's message; NULL: option 'topic'. */
    TOPIC("topic", DataTypes.STRING().nullable()),
    /** The tag; NULL: option 'tag' (or none). */
    TAG("tag", DataTypes.STRING().nullable()),
    /** The message keys (RocketMQ's index), several separated by a space. */
    KEYS("keys", DataTypes.STRING().nullable()),
    /** User properties; names RocketMQ reserves are refused. */
    PROPERTIES("properties", DataTypes.MAP(DataTypes.STRING().nullable(), DataTypes.STRING().nullable()).nullable());

    final String key;
    final DataType type;

    RocketMqWritableMetadata(String key, DataType type) {
        this.key = key;
        this.type = type;
    }

    static RocketMqWritableMetadata of(String key) {
        for (RocketMqWritableMetadata m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown writable metadata '" + key + "' of a rocketmq table");
    }
}
