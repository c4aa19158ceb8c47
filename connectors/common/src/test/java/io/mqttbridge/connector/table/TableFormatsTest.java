package io.mqttbridge.connector.table;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableFormatsTest {

    /** A table factory whose 'format' option may be left out, as the rocketmq and http-function ones. */
    private static final class OptionalFormatFactory implements DynamicTableFactory {
        @Override
        public String factoryIdentifier() {
            return "optional-format";
        }

        @Override
        public Set<ConfigOption<?>> requiredOptions() {
            return Set.of();
        }

        @Override
        public Set<ConfigOption<?>> optionalOptions() {
            return Set.of(FactoryUtil.FORMAT);
        }
    }

    private static DynamicTableFactory.Context table(Map<String, String> options) {
        ResolvedSchema schema = ResolvedSchema.of(Column.physical("vin", DataTypes.STRING()));
        CatalogTable table = CatalogTable.newBuilder()
                .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                .options(options)
                .build();
        return new FactoryUtil.DefaultDynamicTableContext(
                ObjectIdentifier.of("default_catalog", "default_database", "t"),
                new ResolvedCatalogTable(table, schema),
                Map.of(),
                new Configuration(),
                TableFormatsTest.class.getClassLoader(),
                false);
    }

    private static FactoryUtil.TableFactoryHelper helper(DynamicTableFactory.Context context) {
        return FactoryUtil.createTableFactoryHelper(new OptionalFormatFactory(), context);
    }

    @Test
    void aTableThatNamesNoFormatIsEncodedAndDecodedAsJson() {
        DynamicTableFactory.Context context = table(Map.of("connector", "optional-format"));

        assertThat(TableFormats.encodingOrDefault(helper(context), context).getClass().getName())
                .startsWith("org.apache.flink.formats.json.");
        assertThat(TableFormats.decodingOrDefault(helper(context), context).getClass().getName())
                .startsWith("org.apache.flink.formats.json.");
    }

    @Test
    void theFormatATableNamesIsTheOneLookedUp() {
        DynamicTableFactory.Context context = table(Map.of("connector", "optional-format", "format", "no-such-format"));

        assertThatThrownBy(() -> TableFormats.encodingOrDefault(helper(context), context))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("no-such-format");
        assertThatThrownBy(() -> TableFormats.decodingOrDefault(helper(context), context))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("no-such-format");
    }
}
