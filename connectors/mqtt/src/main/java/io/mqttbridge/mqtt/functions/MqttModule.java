package io.mqttbridge.mqtt.functions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.module.Module;

import java.util.Optional;
import java.util.Set;

/**
 * The MQTT SQL functions as a Flink module, for the stock SQL client and other Table API programs:
 * {@code LOAD MODULE mqtt;} with the job jar on the class path.
 */
@PublicEvolving
public final class MqttModule implements Module {

    public static final MqttModule INSTANCE = new MqttModule();

    private MqttModule() {}

    @Override
    public Set<String> listFunctions() {
        return MqttFunctions.names();
    }

    @Override
    public Optional<FunctionDefinition> getFunctionDefinition(String name) {
        return MqttFunctions.lookup(name);
    }
}
