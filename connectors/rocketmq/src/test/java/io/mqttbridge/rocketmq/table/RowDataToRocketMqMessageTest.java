package io.mqttbridge.rocketmq.table;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RowDataToRocketMqMessageTest {

    /** The body is the physical columns only: "station|received". */
    private static final SerializationSchema<RowData> BODY =
            row -> (row.getArity() + ":" + row.getString(0) + "|" + (row.isNullAt(1) ? "null" : "t"))
                    .getBytes(StandardCharsets.UTF_8);

    private static final List<LogicalType> PHYSICAL = List.of(VarCharType.STRING_TYPE, new LocalZonedTimestampType(3));

    /** latency-time-column = 'received', the second physical column. */
    private static LatencyTimeColumn received(List<LogicalType> physical) {
        return LatencyTimeColumn.of("received", RowType.of(physical.toArray(new LogicalType[0]), new String[] {"station", "received"}));
    }

    @Test
    void metadataColumnsFillTopicTagKeysAndPropertiesAndStayOutOfTheBody() {
        RowDataToRocketMqMessage serializer = new RowDataToRocketMqMessage(
                BODY, PHYSICAL, List.of("properties", "keys", "topic", "tag"), received(PHYSICAL));
        Map<StringData, StringData> properties = new HashMap<>();
        properties.put(StringData.fromString("mqtt-topic"), StringData.fromString("stations/st-1/will"));
        properties.put(StringData.fromString("absent"), null);
        GenericRowData row = GenericRowData.of(
                StringData.fromString("st-1"), TimestampData.fromEpochMillis(1_700_000_000_123L),
                new GenericMapData(properties), StringData.fromString(" st-1 stations/st-1/will "),
                StringData.fromString("station-wills"), StringData.fromString("will"));

        Message message = serializer.serialize(row);
        assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo("2:st-1|t");
        assertThat(message.getTopic()).isEqualTo("station-wills");
        assertThat(message.getTags()).isEqualTo("will");
        assertThat(message.getKeys()).isEqualTo("st-1 stations/st-1/will");
        assertThat(message.getUserProperty("mqtt-topic")).isEqualTo("stations/st-1/will");
        assertThat(message.getProperties()).doesNotContainKey("absent");
        assertThat(serializer.originTimeMillis(row)).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void nullMetadataLeavesTopicAndTagToTheOptionsAndNullTimeIsUnknown() {
        RowDataToRocketMqMessage serializer =
                new RowDataToRocketMqMessage(BODY, PHYSICAL, List.of("topic", "tag"), received(PHYSICAL));
        GenericRowData row = GenericRowData.of(StringData.fromString("st-2"), null, null, null);
        Message message = serializer.serialize(row);
        assertThat(message.getTopic()).isNull();
        assertThat(message.getTags()).isNull();
        assertThat(serializer.originTimeMillis(row)).isEqualTo(-1);
    }

    @Test
    void bigintLatencyColumnIsEpochMillisAndWithoutMetadataTheRowIsTheBody() {
        List<LogicalType> physical = List.of(VarCharType.STRING_TYPE, new BigIntType());
        RowDataToRocketMqMessage serializer =
                new RowDataToRocketMqMessage(row -> row.getString(0).toBytes(), physical, List.of(), received(physical));
        GenericRowData row = GenericRowData.of(StringData.fromString("st-3"), 42L);
        assertThat(new String(serializer.serialize(row).getBody(), StandardCharsets.UTF_8)).isEqualTo("st-3");
        assertThat(serializer.originTimeMillis(row)).isEqualTo(42L);
    }
}
