package io.mqttbridge.rocketmq.table;

import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.FactoryUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocketMqTableSourceFactoryTest {

    private static final ResolvedSchema SCHEMA = ResolvedSchema.of(Column.physical("vin", DataTypes.STRING()));

    private static Map<String, String> valid() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "rocketmq");
        options.put("name-server", "127.0.0.1:9876");
        options.put("topic", "commands");
        options.put("consumer-group", "bridge");
        options.put("format", "json");
        return options;
    }

    private static RocketMqDynamicSource create(Map<String, String> options) {
        CatalogTable table = CatalogTable.newBuilder()
                .schema(Schema.newBuilder().fromResolvedSchema(SCHEMA).build())
                .options(options)
                .build();
        return (RocketMqDynamicSource) FactoryUtil.createDynamicTableSource(
                null,
                ObjectIdentifier.of("default_catalog", "default_database", "commands"),
                new ResolvedCatalogTable(table, SCHEMA),
                Collections.emptyMap(),
                new Configuration(),
                RocketMqTableSourceFactoryTest.class.getClassLoader(),
                false);
    }

    @Test
    void defaultsAndGivenOptionsReachTheSourceConfig() {
        RocketMqSourceConfig defaults = create(valid()).config();
        assertThat(defaults.startupMode()).isEqualTo(StartupMode.GROUP_OFFSETS);
        assertThat(defaults.tagFilter()).isEqualTo("*");
        assertThat(defaults.discoveryInterval()).isEqualTo(Duration.ofSeconds(30));

        Map<String, String> options = valid();
        options.put("startup-mode", "timestamp");
        options.put("startup-timestamp", "1700000000000");
        options.put("tag-filter", "lock || unlock");
        options.put("queue-discovery.interval", "0 s");
        options.put("properties.pollNameServerInterval", "10000");
        RocketMqSourceConfig config = create(options).config();
        assertThat(config.startupMode()).isEqualTo(StartupMode.TIMESTAMP);
        assertThat(config.startupTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(config.tagFilter()).isEqualTo("lock || unlock");
        assertThat(config.discoveryInterval()).isZero();
        assertThat(config.clientProperties()).isEqualTo(Map.of("pollNameServerInterval", "10000"));
    }

    @Test
    void aMissingOrConflictingSourceOptionNamesTheOption() {
        Map<String, String> noGroup = valid();
        noGroup.remove("consumer-group");
        assertThatThrownBy(() -> create(noGroup)).isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("Missing required option 'consumer-group'");

        Map<String, String> noTopic = valid();
        noTopic.remove("topic");
        assertThatThrownBy(() -> create(noTopic)).hasStackTraceContaining("Missing required option 'topic'");

        Map<String, String> noTimestamp = valid();
        noTimestamp.put("startup-mode", "timestamp");
        assertThatThrownBy(() -> create(noTimestamp)).hasStackTraceContaining("Missing required option 'startup-timestamp'");

        Map<String, String> timestampWithoutMode = valid();
        timestampWithoutMode.put("startup-timestamp", "1");
        assertThatThrownBy(() -> create(timestampWithoutMode))
                .hasStackTraceContaining("Invalid value 'group-offsets' for option 'startup-mode': expected 'timestamp'");

        Map<String, String> badMode = valid();
        badMode.put("startup-mode", "newest");
        assertThatThrownBy(() -> create(badMode)).hasStackTraceContaining("startup-mode");

        Map<String, String> badProperty = valid();
        badProperty.put("properties.noSuchSetting", "1");
        assertThatThrownBy(() -> create(badProperty)).hasStackTraceContaining("Invalid value '1' for option 'properties.noSuchSetting'");
    }
}
