package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.sink.MqttMessageSerializer;
import io.mqttbridge.mqtt.sink.MqttSinkConfig;
import io.mqttbridge.mqtt.sink.MqttSinkOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.utils.ProjectedRowData;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Turns a row of an {@code mqtt} sink table into the message to publish: the physical columns encoded by
 * the table's format, the topic from the {@code topic} metadata column (else option 'topic'), the user
 * properties from the {@code user-properties} column (entries with a NULL key or value are left out:
 * MQTT has no NULL property). Metadata columns follow the physical ones (the planner appends them).
 * The row's origin time for the route's latency gauge comes from option 'latency-time-column'.
 */
@Internal
final class RowDataToMqttMessage implements MqttMessageSerializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final SerializationSchema<RowData> format;
    private final int physicalArity;
    private final int topicPos;
    private final int propertiesPos;
    @Nullable private final String defaultTopic;
    private final int qos;
    private final boolean retain;
    @Nullable private final LatencyTimeColumn latencyColumn;
    private transient ProjectedRowData physical;

    RowDataToMqttMessage(
            SerializationSchema<RowData> format,
            int physicalArity,
            int topicPos,
            int propertiesPos,
            @Nullable String defaultTopic,
            int qos,
            boolean retain,
            @Nullable LatencyTimeColumn latencyColumn) {
        this.format = format;
        this.physicalArity = physicalArity;
        this.topicPos = topicPos;
        this.propertiesPos = propertiesPos;
        this.defaultTopic = defaultTopic;
        this.qos = qos;
        this.retain = retain;
        this.latencyColumn = latencyColumn;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context) throws Exception {
        format.open(context);
    }

    @Override
    public MqttMessage serialize(RowData row) {
        if (physical == null) {
            physical = ProjectedRowData.from(IntStream.range(0, physicalArity).toArray());
        }
        String topic = topicPos >= 0 && !row.isNullAt(topicPos) ? row.getString(topicPos).toString() : defaultTopic;
        if (topic == null) {
            throw new IllegalArgumentException("A row for the mqtt sink has no topic: its 'topic' metadata column is NULL "
                    + "and option '" + MqttSinkOptions.TOPIC.key() + "' is not set. Give every row a topic or set the option");
        }
        if (!MqttSinkConfig.isTopicName(topic)) {
            throw new IllegalArgumentException("Invalid topic '" + topic + "' of a row for the mqtt sink: expected "
                    + MqttSinkConfig.TOPIC_NAME);
        }
        return MqttMessage.builder()
                .setTopic(topic)
                .setPayload(format.serialize(physical.replaceRow(row)))
                .setQos(qos)
                .setRetained(retain)
                .adoptUserProperties(userProperties(row))
                .build();
    }

    @Override
    public long originTimeMillis(RowData row) {
        return LatencyTimeColumn.originMillis(latencyColumn, row);
    }

    private Map<String, String> userProperties(RowData row) {
        if (propertiesPos < 0 || row.isNullAt(propertiesPos)) {
            return Collections.emptyMap();
        }
        MapData map = row.getMap(propertiesPos);
        ArrayData keys = map.keyArray();
        ArrayData values = map.valueArray();
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < map.size(); i++) {
            if (!keys.isNullAt(i) && !values.isNullAt(i)) {
                StringData key = keys.getString(i);
                properties.put(key.toString(), values.getString(i).toString());
            }
        }
        return properties;
    }
}
