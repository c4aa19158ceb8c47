package io.mqttbridge.httpfunction.table;

import io.mqttbridge.httpfunction.HttpFunctionOptions;

import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class HttpFunctionDynamicTableFactoryTest {

    private final HttpFunctionDynamicTableFactory factory = new HttpFunctionDynamicTableFactory();

    @Test
    void acceptsTheSharedOptionsTheTableOnesAndFlinksFormatAndParallelism() throws Exception {
        Set<String> accepted = new TreeSet<>();
        factory.requiredOptions().forEach(o -> accepted.add(o.key()));
        factory.optionalOptions().forEach(o -> accepted.add(o.key()));

        Set<String> expected = keysOf(HttpFunctionOptions.class);
        expected.addAll(keysOf(HttpFunctionTableOptions.class));
        expected.add("format");
        expected.add("sink.parallelism");
        assertThat(accepted).isEqualTo(expected);
    }

    @Test
    void orderingKeyIsATableOnlyOption() throws Exception {
        assertThat(keysOf(HttpFunctionTableOptions.class)).containsExactly("ordering-key");
        assertThat(keysOf(HttpFunctionOptions.class)).doesNotContain("ordering-key");
    }

    @Test
    void everyOwnOptionHasADescription() {
        Set<ConfigOption<?>> all = new LinkedHashSet<>(factory.requiredOptions());
        all.addAll(factory.optionalOptions());
        for (ConfigOption<?> option : all) {
            assertThat(option.description().getBlocks()).as(option.key()).isNotEmpty();
        }
    }

    private static Set<String> keysOf(Class<?> holder) throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Field field : holder.getFields()) {
            if (field.get(null) instanceof ConfigOption) {
                keys.add(((ConfigOption<?>) field.get(null)).key());
            }
        }
        return keys;
    }
}
