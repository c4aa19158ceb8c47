package io.mqttbridge.mqtt;

import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.apache.flink.annotation.Internal;

import java.util.EnumSet;
import java.util.Set;

/**
 * CONNACK refusals that another attempt with the same settings gets again (client id, login,
 * authorization, ban, protocol), as the source and the sink tell them from refusals worth retrying
 * (server busy or unavailable, quota or connection rate exceeded, ...).
 */
@Internal
public final class ConnAckRefusals {

    private static final Set<Mqtt5ConnAckReasonCode> PERMANENT_5 = EnumSet.of(
            Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
            Mqtt5ConnAckReasonCode.NOT_AUTHORIZED,
            Mqtt5ConnAckReasonCode.BANNED,
            Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD,
            Mqtt5ConnAckReasonCode.UNSUPPORTED_PROTOCOL_VERSION);

    /** Every MQTT 3.1.1 refusal but "server unavailable". */
    private static final Set<Mqtt3ConnAckReturnCode> PERMANENT_3 = EnumSet.of(
            Mqtt3ConnAckReturnCode.UNSUPPORTED_PROTOCOL_VERSION,
            Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED,
            Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD,
            Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);

    private ConnAckRefusals() {}

    public static boolean permanent(Mqtt5ConnAckReasonCode code) {
        return PERMANENT_5.contains(code);
    }

    public static boolean permanent(Mqtt3ConnAckReturnCode code) {
        return PERMANENT_3.contains(code);
    }
}
