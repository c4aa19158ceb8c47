package io.mqttbridge.httpfunction.table;

import io.mqttbridge.connector.options.DeclaredOptions;
import io.mqttbridge.httpfunction.HttpFunctionOptions;

import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class HttpFunctionDynamicTableFactoryTest {

    private final HttpFunctionDynamicTableFactory factory = new HttpFunctionDynamicTableFactory();

    @Test
    void acceptsTheSharedOptionsTheTableOnesAndFlinksFormatAndParallelism() {
        Set<String> accepted = new TreeSet<>();
        factory.requiredOptions().forEach(o -> accepted.add(o.key()));
        factory.optionalOptions().forEach(o -> accepted.add(o.key()));

        Set<String> expected = new TreeSet<>(DeclaredOptions.keysIn(HttpFunctionOptions.class));
        expected.addAll(DeclaredOptions.keysIn(HttpFunctionTableOptions.class));
        expected.add("format");
        expected.add("sink.parallelism");
        assertThat(accepted).isEqualTo(expected);
    }

    @Test
    void orderingKeyAndLatencyTimeColumnAreTableOnlyOptions() {
        assertThat(DeclaredOptions.keysIn(HttpFunctionTableOptions.class)).containsExactly("ordering-key", "latency-time-column");
        assertThat(DeclaredOptions.keysIn(HttpFunctionOptions.class)).doesNotContain("ordering-key", "latency-time-column");
    }

    @Test
    void everyOwnOptionHasADescription() {
        Set<ConfigOption<?>> all = new LinkedHashSet<>(factory.requiredOptions());
        all.addAll(factory.optionalOptions());
        for (ConfigOption<?> option : all) {
            assertThat(option.description().getBlocks()).as(option.key()).isNotEmpty();
        }
    }
}
