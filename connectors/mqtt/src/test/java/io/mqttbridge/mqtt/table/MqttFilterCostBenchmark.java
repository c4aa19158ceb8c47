package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.filter.FilteringDeserializer;
import io.mqttbridge.mqtt.filter.MessageFilterParser;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.connector.source.ScanRuntimeProviderContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source's own cost per message of the filter-heavy route of {@code FilterPushDownBenchmark}, on
 * one thread without Flink around it: the table's json decoding of every message (a WHERE left in the
 * plan) against the filter first and decoding only the kept tenth (pushed WHERE or 'message-filter').
 * Opt-in, prints {@code BENCHMARK} lines, no timing assertion:
 *
 * <pre>
 * mvn -B -o -pl connectors/mqtt -am test -Dtest=MqttFilterCostBenchmark -Dmqttbridge.benchmark=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "mqttbridge.benchmark", matches = "true")
class MqttFilterCostBenchmark {

    private static final int MESSAGES = 1_000_000;

    private static final ResolvedSchema SCHEMA = ResolvedSchema.of(
            Column.physical("sensor", DataTypes.STRING()),
            Column.physical("seq", DataTypes.BIGINT()),
            Column.physical("site", DataTypes.STRING()),
            Column.physical("firmware", DataTypes.STRING()),
            Column.physical("status", DataTypes.STRING()),
            Column.physical("temperature", DataTypes.DOUBLE()),
            Column.physical("humidity", DataTypes.DOUBLE()),
            Column.physical("pressure", DataTypes.DOUBLE()),
            Column.physical("battery", DataTypes.DOUBLE()),
            Column.physical("rssi", DataTypes.INT()));

    @Test
    void decodeEverythingVersusFilterFirst() throws Exception {
        MqttMessage[] messages = new MqttMessage[1000];
        for (int i = 0; i < messages.length; i++) {
            String payload = String.format(Locale.ROOT,
                    "{\"sensor\":\"s-%d\",\"seq\":%d,\"site\":\"plant-north-hall-7\",\"firmware\":\"2.14.3-rc1\","
                            + "\"status\":\"nominal\",\"temperature\":%.2f,\"humidity\":%.2f,\"pressure\":%.1f,"
                            + "\"battery\":%.3f,\"rssi\":%d,\"note\":\"periodic reading, no alarms raised\"}",
                    i % 50, i, 20 + i % 10 / 3.0, 40 + i % 7 / 2.0, 1013 + i % 5 / 4.0, 0.9 - i % 9 / 100.0, -60 - i % 20);
            messages[i] = MqttMessage.builder()
                    .setTopic("bench/" + (i % 10 == 0 ? "keep" : "drop") + "/s-" + i % 50)
                    .setPayload(payload.getBytes(StandardCharsets.UTF_8))
                    .setQos(1)
                    .build();
        }
        MqttMessageDeserializer<RowData> decodeAll = deserializer();
        MqttMessageDeserializer<RowData> filterFirst =
                FilteringDeserializer.wrap(MessageFilterParser.parse("$topic LIKE 'bench/keep/%'"), deserializer());
        filterFirst.open(context());
        Counting out = new Counting();
        for (int round = 0; round < 3; round++) { // round 0 warms up
            double all = nanosPerMessage(decodeAll, messages, out);
            long decoded = out.rows;
            double filtered = nanosPerMessage(filterFirst, messages, out);
            assertThat(out.rows).as("the filter keeps one in ten").isEqualTo(decoded / 10);
            System.out.printf(Locale.ROOT,
                    "BENCHMARK round %d: decode every message %.0f ns/msg; filter first (90 %% dropped) %.0f ns/msg = %.2f x%n",
                    round, all, filtered, filtered / all);
        }
    }

    private static double nanosPerMessage(MqttMessageDeserializer<RowData> deserializer, MqttMessage[] messages, Counting out)
            throws Exception {
        out.rows = 0;
        long start = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            deserializer.deserialize(messages[i % messages.length], out);
        }
        return (System.nanoTime() - start) / (double) MESSAGES;
    }

    private static MqttMessageDeserializer<RowData> deserializer() throws Exception {
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(MqttTables.validOptions(), SCHEMA);
        MqttMessageDeserializer<RowData> deserializer = source.createDeserializer(ScanRuntimeProviderContext.INSTANCE);
        deserializer.open(context());
        return deserializer;
    }

    private static DeserializationSchema.InitializationContext context() {
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(MqttFilterCostBenchmark.class.getClassLoader());
            }
        };
    }

    private static final class Counting implements Collector<RowData> {
        long rows;

        @Override
        public void collect(RowData record) {
            rows++;
        }

        @Override
        public void close() {}
    }
}
