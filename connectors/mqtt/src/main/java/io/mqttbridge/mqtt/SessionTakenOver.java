package io.mqttbridge.mqtt;

import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import org.apache.flink.annotation.Internal;

import java.util.concurrent.CompletionException;

/**
 * A broker ending a connection because another client connected with the same client id (MQTT 5:
 * DISCONNECT with reason 0x8E, session taken over), as the source and the sink recognise and describe
 * it. MQTT 3.1.1 has no reason codes: there the broker just closes the connection, which cannot be
 * told apart from any other loss.
 */
@Internal
public final class SessionTakenOver {

    private SessionTakenOver() {}

    /** True when {@code cause} (a connection's end, as the HiveMQ client reports it) is a DISCONNECT 0x8E. */
    public static boolean isCause(Throwable cause) {
        Throwable t = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        return t instanceof Mqtt5DisconnectException
                && ((Mqtt5DisconnectException) t).getMqttMessage().getReasonCode() == Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER;
    }

    /**
     * The opening every such message shares, with {@code why} (the likely causes) after it: "Another client
     * connected with client id 'x' to tcp://h:p and took its session over (DISCONNECT 0x8E): why".
     */
    public static String describe(MqttConnectionConfig connection, String clientId, String why) {
        return "Another client connected with client id '" + clientId + "' to " + connection.serverUri()
                + " and took its session over (DISCONNECT 0x8E): " + why;
    }
}
