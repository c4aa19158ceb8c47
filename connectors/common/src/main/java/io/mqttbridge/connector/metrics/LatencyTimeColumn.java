package io.mqttbridge.connector.metrics;

import io.mqttbridge.connector.options.OptionChecks;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.util.Objects;

/**
 * The sink-table option {@code latency-time-column} and the column it names: where the route's
 * {@value RouteMetrics#SYNC_LATENCY_MS} gauge counts from in SQL routes. Flink SQL gives sink
 * records no timestamps, so without such a column a sink can only measure its own round trip; with
 * it the gauge is "acknowledged at" minus the time the row's data was produced (e.g. the MQTT
 * message's {@code timestamp} metadata), which is the synchronisation latency.
 *
 * <p>One instance is the resolved column of one table (position, type, precision); it travels
 * inside the sink's serializer.
 */
@Internal
public final class LatencyTimeColumn implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String KEY = "latency-time-column";

    /** What the column holds; every connector's description starts with it. */
    private static final String COLUMN_DESCRIPTION =
            "Sink: a physical TIMESTAMP, TIMESTAMP_LTZ or BIGINT (epoch milliseconds) column holding when the "
                    + "row's data was produced (e.g. the MQTT message's 'timestamp' metadata, read by the route). ";

    /** The option of a sink that acknowledges rows one by one (rocketmq, mqtt). */
    public static final ConfigOption<String> OPTION =
            option("The synchronisation-latency gauge route.syncLatencyMs is then 'acknowledged at' minus this time. "
                    + "Unset, or NULL in a row, it counts from the record's Flink timestamp where there is one (a "
                    + "rowtime attribute), else from when the sink wrote the row (the send round trip).");

    private final int position;
    private final LogicalTypeRoot type;
    private final int precision;

    private LatencyTimeColumn(int position, LogicalTypeRoot type, int precision) {
        this.position = position;
        this.type = type;
        this.precision = precision;
    }

    /**
     * The option with the common first sentence and {@code gaugeRule}: how this sink's gauge uses
     * the column (a batching sink says which row of a batch counts).
     */
    public static ConfigOption<String> option(String gaugeRule) {
        return ConfigOptions.key(KEY).stringType().noDefaultValue().withDescription(COLUMN_DESCRIPTION + gaugeRule);
    }

    /**
     * The column {@code name} of {@code physicalRow}; null when {@code name} is null (option unset).
     *
     * @throws IllegalArgumentException "Invalid value 'x' for option 'latency-time-column': expected ..."
     *     when the table has no such physical column or its type is not a time
     */
    @Nullable
    public static LatencyTimeColumn of(@Nullable String name, RowType physicalRow) {
        if (name == null) {
            return null;
        }
        int position = physicalRow.getFieldNames().indexOf(name);
        LogicalType type = position < 0 ? null : physicalRow.getTypeAt(position);
        if (type == null || !isTime(type.getTypeRoot())) {
            throw OptionChecks.invalid(
                    KEY,
                    name,
                    "a physical TIMESTAMP, TIMESTAMP_LTZ or BIGINT column, one of " + physicalRow.getFieldNames());
        }
        LogicalTypeRoot root = type.getTypeRoot();
        return new LatencyTimeColumn(position, root, root == LogicalTypeRoot.BIGINT ? 0 : LogicalTypeChecks.getPrecision(type));
    }

    private static boolean isTime(LogicalTypeRoot root) {
        return root == LogicalTypeRoot.BIGINT
                || root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                || root == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
    }

    /**
     * The row's origin time in epoch milliseconds, -1 when the column is NULL. A TIMESTAMP without
     * time zone is read as UTC, as Flink stores it.
     */
    public long originMillis(RowData row) {
        if (row.isNullAt(position)) {
            return -1;
        }
        return type == LogicalTypeRoot.BIGINT ? row.getLong(position) : row.getTimestamp(position, precision).getMillisecond();
    }

    /** {@link #originMillis} of {@code column}, or -1 when the table has none. */
    public static long originMillis(@Nullable LatencyTimeColumn column, RowData row) {
        return column == null ? -1 : column.originMillis(row);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LatencyTimeColumn)) {
            return false;
        }
        LatencyTimeColumn that = (LatencyTimeColumn) o;
        return position == that.position && type == that.type && precision == that.precision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(position, type, precision);
    }

    /**
     * Where a sink that acknowledges rows one by one counts from: the row's origin time where known
     * ({@code originMillis >= 0}), else the record's Flink timestamp (DataStream jobs, rowtime
     * attributes), else {@code nowMillis} (the round trip).
     */
    public static long originOrElse(long originMillis, @Nullable Long recordTimestamp, long nowMillis) {
        if (originMillis >= 0) {
            return originMillis;
        }
        return recordTimestamp != null ? recordTimestamp : nowMillis;
    }
}
