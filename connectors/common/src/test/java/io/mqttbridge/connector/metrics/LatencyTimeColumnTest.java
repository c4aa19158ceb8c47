package io.mqttbridge.connector.metrics;

import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencyTimeColumnTest {

    private static RowType row(LogicalType timeType) {
        return RowType.of(new LogicalType[] {VarCharType.STRING_TYPE, timeType}, new String[] {"station", "received"});
    }

    @Test
    void readsTheOriginOfEachAcceptedTypeAndNullAsUnknown() {
        long millis = 1_700_000_000_123L;
        LatencyTimeColumn ltz = LatencyTimeColumn.of("received", row(new LocalZonedTimestampType(3)));
        LatencyTimeColumn timestamp = LatencyTimeColumn.of("received", row(new TimestampType(6)));
        LatencyTimeColumn bigint = LatencyTimeColumn.of("received", row(new BigIntType()));

        assertThat(ltz.originMillis(GenericRowData.of(StringData.fromString("s"), TimestampData.fromEpochMillis(millis))))
                .isEqualTo(millis);
        // precision 6: the sub-millisecond part is dropped, not rounded into a later millisecond
        assertThat(timestamp.originMillis(GenericRowData.of(StringData.fromString("s"), TimestampData.fromEpochMillis(millis, 999_999))))
                .isEqualTo(millis);
        assertThat(bigint.originMillis(GenericRowData.of(StringData.fromString("s"), millis))).isEqualTo(millis);
        assertThat(ltz.originMillis(GenericRowData.of(StringData.fromString("s"), null))).isEqualTo(-1);
        assertThat(LatencyTimeColumn.originMillis(null, GenericRowData.of(StringData.fromString("s"), millis))).isEqualTo(-1);
    }

    @Test
    void unsetOptionIsNoColumn() {
        assertThat(LatencyTimeColumn.of(null, row(new BigIntType()))).isNull();
    }

    @Test
    void aColumnOfAnotherTypeOrNameIsRefusedNamingOptionAndAcceptedValues() {
        assertThatThrownBy(() -> LatencyTimeColumn.of("station", row(new BigIntType())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value 'station' for option 'latency-time-column': expected a physical TIMESTAMP, "
                        + "TIMESTAMP_LTZ or BIGINT column, one of [station, received]");
        assertThatThrownBy(() -> LatencyTimeColumn.of("received", row(new IntType())))
                .hasMessageContaining("Invalid value 'received' for option 'latency-time-column'");
        assertThatThrownBy(() -> LatencyTimeColumn.of("sent", row(new BigIntType())))
                .hasMessageContaining("Invalid value 'sent' for option 'latency-time-column'");
    }

    @Test
    void anOneByOneSinkCountsFromTheOriginElseTheRecordTimestampElseNow() {
        assertThat(LatencyTimeColumn.originOrElse(10, 20L, 30)).isEqualTo(10);
        assertThat(LatencyTimeColumn.originOrElse(-1, 20L, 30)).isEqualTo(20);
        assertThat(LatencyTimeColumn.originOrElse(-1, null, 30)).isEqualTo(30);
    }

    @Test
    void optionKeyIsTheSameForEverySinkAndTheGaugeRuleIsAppended() {
        assertThat(LatencyTimeColumn.OPTION.key()).isEqualTo("latency-time-column");
        assertThat(new HtmlFormatter().format(LatencyTimeColumn.option("Per batch: the oldest.").description()))
                .startsWith("Sink: a physical TIMESTAMP")
                .endsWith("Per batch: the oldest.");
    }
}
