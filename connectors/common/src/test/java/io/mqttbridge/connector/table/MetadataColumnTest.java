package io.mqttbridge.connector.table;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class MetadataColumnTest {

    private record Column(String key, DataType dataType) implements MetadataColumn {}

    private static final Column TOPIC = new Column("topic", DataTypes.STRING().notNull());
    private static final Column QOS = new Column("qos", DataTypes.INT());
    private static final Column[] COLUMNS = {TOPIC, QOS};

    @Test
    void typesAreListedByKeyInDeclarationOrder() {
        assertThat(MetadataColumn.types(COLUMNS))
                .containsExactly(entry("topic", DataTypes.STRING().notNull()), entry("qos", DataTypes.INT()));
    }

    @Test
    void aKeyFindsItsColumnAndAnUnknownKeyIsRefusedNamingKeyAndTable() {
        assertThat(MetadataColumn.ofKey(COLUMNS, "qos", "the 'test' table")).isEqualTo(QOS);
        assertThatThrownBy(() -> MetadataColumn.ofKey(COLUMNS, "tpoic", "the 'test' table"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown metadata key 'tpoic' of the 'test' table");
    }

    @Test
    void writtenMetadataFollowsThePhysicalColumnsInAppliedOrder() {
        List<String> applied = List.of("user-properties", "topic");
        assertThat(MetadataColumn.positionInRow(applied, "topic", 3)).isEqualTo(4);
        assertThat(MetadataColumn.positionInRow(applied, "user-properties", 3)).isEqualTo(3);
        assertThat(MetadataColumn.positionInRow(applied, "message-id", 3)).isEqualTo(-1);
        assertThat(MetadataColumn.positionInRow(List.of(), "topic", 3)).isEqualTo(-1);
    }
}
