package io.mqttbridge.connector.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.DataType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metadata column a table offers ({@code METADATA FROM '<key>'}): its key and type. Implemented
 * by each connector's metadata enums, so that listing, looking up and locating metadata columns is
 * written once for every table, read or written.
 */
@Internal
public interface MetadataColumn {

    String key();

    DataType dataType();

    /** Key to type, in the order of {@code columns}: what {@code listReadableMetadata} / {@code listWritableMetadata} return. */
    static Map<String, DataType> types(MetadataColumn... columns) {
        Map<String, DataType> types = new LinkedHashMap<>();
        for (MetadataColumn column : columns) {
            types.put(column.key(), column.dataType());
        }
        return types;
    }

    /**
     * The column of {@code columns} with {@code key}.
     *
     * @param table the table as the error names it, e.g. "the 'mqtt' table"
     * @throws IllegalArgumentException for a key that is none of {@code columns}
     */
    static <M extends MetadataColumn> M ofKey(M[] columns, String key, String table) {
        for (M column : columns) {
            if (column.key().equals(key)) {
                return column;
            }
        }
        throw new IllegalArgumentException("Unknown metadata key '" + key + "' of " + table);
    }

    /**
     * Where a written metadata column is in the rows a sink consumes, or -1 when the table does not
     * write it. Flink appends written metadata after the physical columns, in the order of the keys it
     * passed to {@code applyWritableMetadata}.
     */
    static int positionInRow(List<String> appliedKeys, String key, int physicalColumns) {
        int i = appliedKeys.indexOf(key);
        return i < 0 ? -1 : physicalColumns + i;
    }
}
