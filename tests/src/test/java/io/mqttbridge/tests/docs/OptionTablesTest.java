package io.mqttbridge.tests.docs;

import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.httpfunction.HttpFunctionOptions;
import io.mqttbridge.httpfunction.table.HttpFunctionTableOptions;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.sink.MqttSinkOptions;
import io.mqttbridge.mqtt.table.MqttTableOptions;
import io.mqttbridge.rocketmq.RocketMqOptions;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The option tables of README.md and docs/ are generated from the connectors' ConfigOptions, between
 * {@code <!-- generated options: <class> -->} and {@code <!-- end generated options -->}. This test
 * fails with a diff when a table and the code differ, when an Options class has no table, and when a
 * table names a class that is not listed here or does not exist. Run with {@code -Ddocs.update=true}
 * to rewrite the tables from the code (docs/development.md shows the command).
 */
class OptionTablesTest {

    /** Every Options class whose options docs/ must show: the one place to add a new one. */
    static final List<Class<?>> OPTIONS_CLASSES = List.of(
            MqttOptions.class, MqttTableOptions.class, MqttSinkOptions.class, HttpFunctionOptions.class,
            HttpFunctionTableOptions.class, RocketMqOptions.class);

    private static final String UPDATE_COMMAND =
            "mvn -B -o -pl tests -am verify -Dtest=OptionTablesTest -Dsurefire.failIfNoSpecifiedTests=false -Ddocs.update=true";

    /** Header of a hand-written table that lists options like a generated one. */
    private static final Pattern OPTION_TABLE_HEADER = Pattern.compile("(?m)^\\| *(key|option) *\\| *(type *\\| *default|default *\\| *type) *\\|");


    @Test
    void generatedTablesEqualTheCode() throws IOException {
        boolean update = Boolean.getBoolean("docs.update");
        List<String> problems = new ArrayList<>();
        for (Path file : OptionTables.markdownFiles(RepositoryRoot.path())) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<OptionTables.Block> blocks = OptionTables.blocks(file, text);
            for (OptionTables.Block block : blocks) {
                if (OPTIONS_CLASSES.stream().noneMatch(c -> c.getName().equals(block.className()))) {
                    problems.add(name(file) + " has a table of " + block.className()
                            + ", which is not an Options class of OptionTablesTest.OPTIONS_CLASSES");
                    continue;
                }
                String code = OptionTables.render(OptionTables.load(block.className()));
                if (!update && !code.equals(block.content())) {
                    problems.add(name(file) + ": the table of " + block.className() + " differs from the code"
                            + " (- docs, + code):\n" + OptionTables.diff(block.content(), code));
                }
            }
            if (update && !blocks.isEmpty()) {
                Files.writeString(file, OptionTables.regenerate(text, blocks), StandardCharsets.UTF_8);
            }
        }
        assertThat(problems)
                .as("Option tables in docs/ are generated from the code; rewrite them with%n  %s%n", UPDATE_COMMAND)
                .isEmpty();
    }

    @Test
    void everyOptionsClassHasATable() throws IOException {
        Set<String> tabled = new LinkedHashSet<>();
        for (Path file : OptionTables.markdownFiles(RepositoryRoot.path())) {
            OptionTables.blocks(file, Files.readString(file)).forEach(b -> tabled.add(b.className()));
        }
        for (Class<?> options : OPTIONS_CLASSES) {
            assertThat(tabled)
                    .as("no page of docs/ lists the options %s of %s: add%n"
                                    + "  <!-- generated options: %s -->%n  <!-- end generated options -->%n"
                                    + "where they belong, then run%n  %s",
                            OptionTables.keys(options), options.getName(), options.getName(), UPDATE_COMMAND)
                    .contains(options.getName());
        }
    }

    @Test
    void optionTablesAreOnlyGenerated() throws IOException {
        for (Path file : OptionTables.markdownFiles(RepositoryRoot.path())) {
            String text = Files.readString(file);
            for (OptionTables.Block block : OptionTables.blocks(file, text)) {
                text = text.replace(block.content(), "");
            }
            assertThat(OPTION_TABLE_HEADER.matcher(text).find())
                    .as("%s has a hand-written option table (| key | type | ...): generate it from the Options class",
                            name(file))
                    .isFalse();
        }
    }

    @Test
    void rendersKeyTypeDefaultAndDescription() {
        String table = OptionTables.render(MqttOptions.class);
        assertThat(table).startsWith(OptionTables.HEADER + "\n|---|---|---|---|\n");
        assertThat(table.lines().skip(2)).hasSize(OptionTables.keys(MqttOptions.class).size());
        assertThat(table)
                .contains("| `session-expiry` | Duration | `1 h` | ")
                .contains("| `server-uri` | String | (none) | ")
                .contains("| `receive-maximum` | Integer | `65535` | ")
                .contains("| `tls.verify-hostname` | Boolean | `true` | ")
                .contains("Values: `CHECKPOINT`, `RECEIPT`");
        assertThat(OptionTables.render(HttpFunctionOptions.class))
                .contains("| `failure-handling` | Enum | `fail` | ")
                .contains("Values: `fail`, `skip`, `dead-letter`");
    }

    private static String name(Path file) {
        return RepositoryRoot.path().relativize(file).toString();
    }
}
