package io.mqttbridge.mqtt.functions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ScalarFunction;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The MQTT SQL functions by name: one list for the routes runner and for {@link MqttModule}. */
@PublicEvolving
public final class MqttFunctions {

    private static final Map<String, Supplier<ScalarFunction>> FUNCTIONS = Map.of(
            MqttTopicLevelFunction.NAME, MqttTopicLevelFunction::new,
            MqttTopicMatchesFunction.NAME, MqttTopicMatchesFunction::new);

    private MqttFunctions() {}

    /** Upper-case names. */
    public static Set<String> names() {
        return FUNCTIONS.keySet();
    }

    /** A new instance of the named function; the name is case-insensitive, as SQL's are. */
    public static Optional<FunctionDefinition> lookup(String name) {
        Supplier<ScalarFunction> function = FUNCTIONS.get(name.toUpperCase(Locale.ROOT));
        return function == null ? Optional.empty() : Optional.of(function.get());
    }

    /** Registers every function as a temporary system function (what the routes runner does). */
    public static void registerTemporarySystemFunctions(TableEnvironment tEnv) {
        FUNCTIONS.forEach((name, function) -> tEnv.createTemporarySystemFunction(name, function.get()));
    }
}
