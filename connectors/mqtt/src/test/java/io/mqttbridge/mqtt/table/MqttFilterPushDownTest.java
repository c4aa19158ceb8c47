package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.BuiltInFunctionDefinition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 'message-filter' option and the planner's filter push-down into the 'mqtt' scan. */
class MqttFilterPushDownTest {

    private static final ResolvedSchema SCHEMA =
            ResolvedSchema.of(
                    Column.physical("payload", DataTypes.STRING()),
                    Column.metadata("t", DataTypes.STRING().notNull(), "topic", true),
                    Column.metadata("q", DataTypes.INT().notNull(), "qos", true),
                    Column.metadata("r", DataTypes.BOOLEAN().notNull(), "retained", true),
                    Column.metadata("props", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()), "user-properties", true),
                    Column.metadata("sender", DataTypes.STRING(), "client-id", true));

    private static final FieldReferenceExpression PAYLOAD = new FieldReferenceExpression("payload", DataTypes.STRING(), 0, 0);
    private static final FieldReferenceExpression QOS = new FieldReferenceExpression("q", DataTypes.INT().notNull(), 0, 2);
    private static final FieldReferenceExpression RETAINED = new FieldReferenceExpression("r", DataTypes.BOOLEAN().notNull(), 0, 3);
    private static final FieldReferenceExpression PROPS =
            new FieldReferenceExpression("props", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()), 0, 4);
    private static final FieldReferenceExpression SENDER = new FieldReferenceExpression("sender", DataTypes.STRING(), 0, 5);

    @Test
    void messageFilterIsParsedWhenTheTableIsCreated() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("message-filter", "$QoS = 1 AND k1 = 'v1'");
        MqttDynamicSource source = (MqttDynamicSource) MqttTables.create(options, SCHEMA);
        assertThat(source.filter()).hasToString("$QoS = 1 AND k1 = 'v1'");
        assertThat(source.effectiveConfig()).as("the option is the table's: no subscription of its own").isEqualTo(source.sourceConfig());
    }

    @Test
    void messageFilterSyntaxErrorNamesTheOptionAndThePosition() {
        Map<String, String> options = MqttTables.validOptions();
        options.put("message-filter", "$QoS = 1 AND AND k1 = 'v1'");
        assertThatThrownBy(() -> MqttTables.create(options, SCHEMA))
                .cause()
                .isInstanceOf(ValidationException.class)
                .hasMessage("Invalid value '$QoS = 1 AND AND k1 = 'v1'' for option 'message-filter': expected an attribute "
                        + "($topic, $QoS, $retained, or a user property name), NOT or '(' at position 14, found 'AND'");
    }

    @Test
    void acceptsPredicatesOnMessageAttributesAndLeavesTheRest() {
        MqttDynamicSource source = source(Map.of("shared-group", "g"));
        ResolvedExpression qos = call(BuiltInFunctionDefinitions.EQUALS, QOS, literal(1));
        ResolvedExpression property = call(BuiltInFunctionDefinitions.EQUALS, at(PROPS, "k1"), literal("v1"));
        ResolvedExpression sender = call(BuiltInFunctionDefinitions.IS_NOT_NULL, SENDER);
        ResolvedExpression notRetained = call(BuiltInFunctionDefinitions.NOT, RETAINED);
        ResolvedExpression onPayload = call(BuiltInFunctionDefinitions.EQUALS, PAYLOAD, literal("x"));
        ResolvedExpression mixed = call(BuiltInFunctionDefinitions.OR, qos, onPayload);

        SupportsFilterPushDown.Result result = source.applyFilters(List.of(qos, property, sender, notRetained, onPayload, mixed));

        assertThat(result.getAcceptedFilters()).containsExactly(qos, property, sender, notRetained);
        assertThat(result.getRemainingFilters()).as("a payload column needs decoding").containsExactly(onPayload, mixed);
        assertThat(source.filter()).hasToString("$QoS = 1 AND k1 = 'v1' AND client-id IS NOT NULL AND NOT ($retained)");
    }

    @Test
    void aScanWithPushedPredicatesIsASubscriptionOfItsOwn() {
        MqttDynamicSource plain = source(Map.of("shared-group", "g"));
        MqttDynamicSource qos1 = source(Map.of("shared-group", "g"));
        qos1.applyFilters(List.of(call(BuiltInFunctionDefinitions.EQUALS, QOS, literal(1))));
        MqttDynamicSource qos1Again = source(Map.of("shared-group", "g"));
        qos1Again.applyFilters(List.of(call(BuiltInFunctionDefinitions.EQUALS, QOS, literal(1))));
        MqttDynamicSource qos0 = source(Map.of("shared-group", "g"));
        qos0.applyFilters(List.of(call(BuiltInFunctionDefinitions.EQUALS, QOS, literal(0))));

        MqttSourceConfig base = plain.effectiveConfig();
        assertThat(base.subscriptionFilters()).containsExactly("$share/g/vehicles/+/battery");
        assertThat(qos1.effectiveConfig().subscriptionFilters().get(0)).matches("\\$share/g-[0-9a-f]{8}/vehicles/\\+/battery");
        assertThat(qos1.effectiveConfig().clientIdPrefix()).matches("mqtt-bridge-g-[0-9a-f]{8}-[0-9a-f]{8}");
        assertThat(List.of(base, qos1.effectiveConfig(), qos0.effectiveConfig()))
                .extracting(MqttSourceConfig::clientIdPrefix)
                .doesNotHaveDuplicates();
        assertThat(List.of(base, qos1.effectiveConfig(), qos0.effectiveConfig()))
                .extracting(c -> c.subscriptionFilters().get(0))
                .as("a group of its own: in one group, two scans would split the messages between them")
                .doesNotHaveDuplicates();
        assertThat(qos1Again.effectiveConfig()).as("the same pushed filter: the same ids on every run").isEqualTo(qos1.effectiveConfig());
    }

    @Test
    void withoutASharedGroupThePushedFilterStillGetsClientIdsOfItsOwn() {
        MqttDynamicSource plain = source(Map.of());
        MqttDynamicSource pushed = source(Map.of());
        pushed.applyFilters(List.of(call(BuiltInFunctionDefinitions.EQUALS, QOS, literal(1))));
        assertThat(pushed.effectiveConfig().subscriptionFilters()).isEqualTo(plain.effectiveConfig().subscriptionFilters());
        assertThat(pushed.effectiveConfig().clientIdPrefix()).isNotEqualTo(plain.effectiveConfig().clientIdPrefix());
    }

    @Test
    void anExplicitClientIdPrefixTakesNoPushDown() {
        MqttDynamicSource source = source(Map.of("client-id-prefix", "pinned"));
        ResolvedExpression qos = call(BuiltInFunctionDefinitions.EQUALS, QOS, literal(1));
        SupportsFilterPushDown.Result result = source.applyFilters(List.of(qos));
        assertThat(result.getAcceptedFilters()).isEmpty();
        assertThat(result.getRemainingFilters()).containsExactly(qos);
        assertThat(source.effectiveConfig().clientIdPrefix()).isEqualTo("pinned");
    }

    // ------------------------------------------------------------ through the planner

    /**
     * Flink's planner offers a source only predicates it can convert to expressions: a map access
     * (props['k1']) is not among them and stays in the plan; the 'message-filter' option tests user
     * properties before decoding.
     */
    @Test
    void explainShowsThePushedFilterInTheScanAndKeepsTheRestInTheCalc() {
        TableEnvironment tEnv = tables("");
        String plan = tEnv.explainSql("INSERT INTO sink SELECT payload FROM mqtt_in "
                + "WHERE q = 1 AND sender IS NOT NULL AND props['k1'] = 'v1' AND UPPER(payload) <> 'X'");
        assertThat(line(plan, "TableSourceScan")).contains("filter=[and(=(q, 1), IS NOT NULL(sender))]");
        assertThat(line(plan, "Calc")).contains("UPPER(payload)").contains("ITEM(props, 'k1')").doesNotContain("q =").doesNotContain("sender");
    }

    @Test
    void twoInsertsWithTheSameWhereShareOneScanAndDifferentWheresGetOneEach() {
        TableEnvironment tEnv = tables("'shared-group' = 'g', ");
        StatementSet same = tEnv.createStatementSet();
        same.addInsertSql("INSERT INTO sink SELECT payload FROM mqtt_in WHERE q = 1");
        same.addInsertSql("INSERT INTO sink SELECT UPPER(payload) FROM mqtt_in WHERE q = 1");
        assertThat(count(optimized(same.explain()), "TableSourceScan(")).isEqualTo(1);

        StatementSet different = tEnv.createStatementSet();
        different.addInsertSql("INSERT INTO sink SELECT payload FROM mqtt_in WHERE q = 1");
        different.addInsertSql("INSERT INTO sink SELECT payload FROM mqtt_in WHERE t LIKE 'vehicles/%'");
        String optimized = optimized(different.explain());
        assertThat(count(optimized, "TableSourceScan(")).as(optimized).isEqualTo(2);
    }

    private static TableEnvironment tables(String extraOptions) {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tEnv.executeSql("CREATE TABLE mqtt_in (payload STRING, t STRING NOT NULL METADATA FROM 'topic' VIRTUAL, "
                + "q INT NOT NULL METADATA FROM 'qos' VIRTUAL, props MAP<STRING, STRING> METADATA FROM 'user-properties' VIRTUAL, "
                + "sender STRING METADATA FROM 'client-id' VIRTUAL) "
                + "WITH ('connector' = 'mqtt', 'server-uri' = 'tcp://127.0.0.1:1883', 'topic-filter' = 'vehicles/#', "
                + extraOptions + "'format' = 'raw')");
        tEnv.executeSql("CREATE TABLE sink (payload STRING) WITH ('connector' = 'blackhole')");
        return tEnv;
    }

    private static String optimized(String plan) {
        return plan.substring(plan.indexOf("== Optimized Execution Plan =="));
    }

    private static String line(String plan, String node) {
        String optimized = optimized(plan);
        Matcher m = Pattern.compile("^.*" + node + "\\(.*$", Pattern.MULTILINE).matcher(optimized);
        assertThat(m.find()).as("a %s in %s", node, optimized).isTrue();
        return m.group();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static MqttDynamicSource source(Map<String, String> extra) {
        Map<String, String> options = MqttTables.validOptions();
        options.putAll(extra);
        return (MqttDynamicSource) MqttTables.create(options, SCHEMA);
    }

    private static CallExpression call(BuiltInFunctionDefinition f, ResolvedExpression... args) {
        return CallExpression.permanent(f, Arrays.asList(args), DataTypes.BOOLEAN());
    }

    private static CallExpression at(FieldReferenceExpression map, String key) {
        return CallExpression.permanent(BuiltInFunctionDefinitions.AT, List.of(map, literal(key)), DataTypes.STRING());
    }

    private static ValueLiteralExpression literal(Object value) {
        return new ValueLiteralExpression(value);
    }
}
