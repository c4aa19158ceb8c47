package io.mqttbridge.mqtt.table;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Creates 'mqtt' table sources the way the planner does: SPI discovery from the 'connector' option. */
final class MqttTables {

    static final ResolvedSchema VEHICLE_SCHEMA =
            ResolvedSchema.of(
                    Column.physical("vehicle", DataTypes.STRING()),
                    Column.physical("soc", DataTypes.DOUBLE()));

    private MqttTables() {}

    /** Options of a valid json table; tests change or remove entries. */
    static Map<String, String> validOptions() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "mqtt");
        options.put("server-uri", "tcp://127.0.0.1:1883");
        options.put("topic-filter", "vehicles/+/battery");
        options.put("format", "json");
        return options;
    }

    static DynamicTableSource create(Map<String, String> options) {
        return create(options, VEHICLE_SCHEMA);
    }

    /** As {@link #create(Map)}, for a table named {@code tableName}. */
    static DynamicTableSource create(Map<String, String> options, String tableName) {
        return create(options, VEHICLE_SCHEMA, tableName);
    }

    static DynamicTableSource create(Map<String, String> options, ResolvedSchema schema) {
        return create(options, schema, "vehicle_battery");
    }

    private static DynamicTableSource create(Map<String, String> options, ResolvedSchema schema, String tableName) {
        CatalogTable table =
                CatalogTable.newBuilder()
                        .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                        .options(options)
                        .build();
        return FactoryUtil.createDynamicTableSource(
                null,
                ObjectIdentifier.of("default_catalog", "default_database", tableName),
                new ResolvedCatalogTable(table, schema),
                Collections.emptyMap(),
                new Configuration(),
                MqttTables.class.getClassLoader(),
                false);
    }
}
