package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.connector.table.MetadataColumn;
import io.mqttbridge.rocketmq.sink.MessageProperties;
import io.mqttbridge.rocketmq.sink.RocketMqMessageSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import org.apache.rocketmq.common.message.Message;

import javax.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A row of a {@code rocketmq} sink table as a RocketMQ message: the physical columns, encoded by the
 * table's format, are the body; the writable metadata columns (appended after the physical ones by
 * the planner, in {@code metadataKeys} order) give topic, tag, keys and user properties.
 */
@Internal
final class RowDataToRocketMqMessage implements RocketMqMessageSerializer<RowData> {
    private static final long serialVersionUID = 1L;

    private final SerializationSchema<RowData> body;
    private final RowData.FieldGetter[] physical;
    private final boolean project;
    private final int topicPos;
    private final int tagPos;
    private final int keysPos;
    private final int propertiesPos;
    @Nullable private final LatencyTimeColumn latencyColumn;

    RowDataToRocketMqMessage(
            SerializationSchema<RowData> body,
            List<LogicalType> physicalTypes,
            List<String> metadataKeys,
            @Nullable LatencyTimeColumn latencyColumn) {
        this.body = body;
        this.physical = new RowData.FieldGetter[physicalTypes.size()];
        for (int i = 0; i < physical.length; i++) {
            physical[i] = RowData.createFieldGetter(physicalTypes.get(i), i);
        }
        this.project = !metadataKeys.isEmpty();
        int n = physicalTypes.size();
        this.topicPos = MetadataColumn.positionInRow(metadataKeys, RocketMqWritableMetadata.TOPIC.key(), n);
        this.tagPos = MetadataColumn.positionInRow(metadataKeys, RocketMqWritableMetadata.TAG.key(), n);
        this.keysPos = MetadataColumn.positionInRow(metadataKeys, RocketMqWritableMetadata.KEYS.key(), n);
        this.propertiesPos = MetadataColumn.positionInRow(metadataKeys, RocketMqWritableMetadata.PROPERTIES.key(), n);
        this.latencyColumn = latencyColumn;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context) throws Exception {
        body.open(context);
    }

    @Override
    public Message serialize(RowData row) {
        Message message = new Message();
        message.setBody(body.serialize(project ? physicalPart(row) : row));
        String topic = string(row, topicPos);
        if (topic != null) {
            message.setTopic(topic);
        }
        String tag = string(row, tagPos);
        if (tag != null && !tag.isEmpty()) {
            message.setTags(tag);
        }
        String keys = string(row, keysPos);
        if (keys != null && !keys.isBlank()) {
            message.setKeys(keys.trim());
        }
        if (propertiesPos >= 0 && !row.isNullAt(propertiesPos)) {
            MessageProperties.put(message, properties(row.getMap(propertiesPos)));
        }
        return message;
    }

    @Override
    public long originTimeMillis(RowData row) {
        return LatencyTimeColumn.originMillis(latencyColumn, row);
    }

    private RowData physicalPart(RowData row) {
        GenericRowData projected = new GenericRowData(row.getRowKind(), physical.length);
        for (int i = 0; i < physical.length; i++) {
            projected.setField(i, physical[i].getFieldOrNull(row));
        }
        return projected;
    }

    private static String string(RowData row, int pos) {
        return pos < 0 || row.isNullAt(pos) ? null : row.getString(pos).toString();
    }

    private static Map<String, String> properties(MapData map) {
        ArrayData keys = map.keyArray();
        ArrayData values = map.valueArray();
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < map.size(); i++) {
            if (keys.isNullAt(i)) {
                throw new IllegalArgumentException("RocketMQ user property names must not be NULL (column 'properties')");
            }
            properties.put(keys.getString(i).toString(), values.isNullAt(i) ? null : values.getString(i).toString());
        }
        return properties;
    }
}
