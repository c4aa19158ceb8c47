package io.mqttbridge.mqtt.functions;

import io.mqttbridge.mqtt.MqttTopicFilter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentTypeStrategy;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.inference.TypeStrategies;

import javax.annotation.Nullable;

import java.util.Optional;

/**
 * {@code MQTT_TOPIC_MATCHES(topic, filter)}: TRUE when the topic matches the MQTT topic filter
 * ({@code +} one level, {@code #} the rest, {@code $}-topics not matched by a leading wildcard), as
 * {@link MqttTopicFilter} defines it. NULL when an argument is NULL. An invalid filter is an error:
 * at planning time when the filter is a literal (so {@code --validate} reports it), else when the
 * first row carrying it arrives.
 */
@PublicEvolving
public class MqttTopicMatchesFunction extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "MQTT_TOPIC_MATCHES";

    /** The filter compiled last: filters are usually constant, so each is checked and split once. */
    private transient MqttTopicFilter.Compiled compiled;

    public @Nullable Boolean eval(@Nullable String topic, @Nullable String filter) {
        if (topic == null || filter == null) {
            return null;
        }
        MqttTopicFilter.Compiled current = compiled;
        if (current == null || !filter.equals(current.filter())) {
            current = compile(filter);
            compiled = current;
        }
        return current.matches(topic);
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TypeInference.newBuilder()
                .inputTypeStrategy(InputTypeStrategies.sequence(
                        new String[] {"topic", "filter"},
                        new ArgumentTypeStrategy[] {InputTypeStrategies.explicit(DataTypes.STRING()), new FilterArgument()}))
                .outputTypeStrategy(TypeStrategies.explicit(DataTypes.BOOLEAN()))
                .build();
    }

    private static MqttTopicFilter.Compiled compile(String filter) {
        try {
            return MqttTopicFilter.compile(filter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NAME + ": " + e.getMessage(), e);
        }
    }

    /** A STRING argument that, when it is a literal, must be a valid topic filter. */
    private static final class FilterArgument implements ArgumentTypeStrategy {
        private final ArgumentTypeStrategy string = InputTypeStrategies.explicit(DataTypes.STRING());

        @Override
        public Optional<DataType> inferArgumentType(CallContext callContext, int argumentPos, boolean throwOnFailure) {
            if (callContext.isArgumentLiteral(argumentPos) && !callContext.isArgumentNull(argumentPos)) {
                Optional<String> filter = callContext.getArgumentValue(argumentPos, String.class);
                if (filter.isPresent()) {
                    try {
                        compile(filter.get());
                    } catch (IllegalArgumentException e) {
                        return callContext.fail(throwOnFailure, "%s", e.getMessage());
                    }
                }
            }
            return string.inferArgumentType(callContext, argumentPos, throwOnFailure);
        }

        @Override
        public Signature.Argument getExpectedArgument(FunctionDefinition functionDefinition, int argumentPos) {
            return Signature.Argument.of("<MQTT topic filter STRING>");
        }
    }
}
