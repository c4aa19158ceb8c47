package io.mqttbridge.mqtt.functions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.factories.ModuleFactory;
import org.apache.flink.table.module.Module;

import java.util.Set;

/** Creates {@link MqttModule} for {@code LOAD MODULE mqtt}; found through META-INF/services. */
@PublicEvolving
public final class MqttModuleFactory implements ModuleFactory {

    public static final String IDENTIFIER = "mqtt";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public Module createModule(Context context) {
        return MqttModule.INSTANCE;
    }
}
