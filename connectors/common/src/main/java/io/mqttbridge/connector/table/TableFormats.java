package io.mqttbridge.connector.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;

/**
 * The format of a table whose {@code format} option may be left out (the rocketmq and http-function
 * tables): the format it names, with its options, else {@value #DEFAULT} with default options.
 */
@Internal
public final class TableFormats {

    /** The format of a table that names none. */
    public static final String DEFAULT = "json";

    private TableFormats() {}

    public static EncodingFormat<SerializationSchema<RowData>> encodingOrDefault(
            FactoryUtil.TableFactoryHelper helper, DynamicTableFactory.Context context) {
        return helper.discoverOptionalEncodingFormat(SerializationFormatFactory.class, FactoryUtil.FORMAT)
                .orElseGet(() -> FactoryUtil.discoverFactory(context.getClassLoader(), SerializationFormatFactory.class, DEFAULT)
                        .createEncodingFormat(context, new Configuration()));
    }

    public static DecodingFormat<DeserializationSchema<RowData>> decodingOrDefault(
            FactoryUtil.TableFactoryHelper helper, DynamicTableFactory.Context context) {
        return helper.discoverOptionalDecodingFormat(DeserializationFormatFactory.class, FactoryUtil.FORMAT)
                .orElseGet(() -> FactoryUtil.discoverFactory(context.getClassLoader(), DeserializationFormatFactory.class, DEFAULT)
                        .createDecodingFormat(context, new Configuration()));
    }
}
