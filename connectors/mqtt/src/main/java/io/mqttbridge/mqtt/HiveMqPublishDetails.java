package io.mqttbridge.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttTopic;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Packet identifier and DUP flag of a PUBLISH received by hivemq-mqtt-client 1.4.x.
 *
 * <p>The client's public API does not expose either, yet both are needed (metadata columns
 * 'packet-id' and 'dup', error messages naming the packet). This is the ONE place that reaches into
 * the library's internals, along the path
 * {@code MqttPublish.confirmable -> MqttIncomingPublishConfirmable.publishWithFlows ->
 * MqttStatefulPublishWithFlows.publish -> MqttStatefulPublish.getPacketIdentifier()/isDup()}
 * (an MQTT 3 publish is first unwrapped via {@code Mqtt3PublishView.delegate}). The reflective
 * handles are looked up once. If a library upgrade changes the path, every call returns null and
 * one warning is logged: the source keeps working, only these two fields become NULL.
 * {@code HiveMqPublishDetailsITCase} (tests module) pins the path against a real broker.
 */
@Internal
public final class HiveMqPublishDetails {

    private static final Logger LOG = LoggerFactory.getLogger(HiveMqPublishDetails.class);

    private static final String PKG = "com.hivemq.client.internal.mqtt.";

    /** Packet id (0 when the packet has none, i.e. QoS 0) and DUP flag. */
    public static final class Details {
        public final int packetId;
        public final boolean dup;

        Details(int packetId, boolean dup) {
            this.packetId = packetId;
            this.dup = dup;
        }

        /** The DUP flag, null when {@code details} is unavailable. */
        @Nullable
        private static Boolean dupOf(@Nullable Details details) {
            return details == null ? null : details.dup;
        }

        /** The packet id, null for QoS 0 (no packet id) or when {@code details} is unavailable. */
        @Nullable
        private static Integer packetIdOf(@Nullable Details details, int qos) {
            return details == null || qos == 0 ? null : details.packetId;
        }
    }

    private static final Object LOCK = new Object();
    private static volatile boolean initialized;
    private static volatile boolean broken;
    private static Field mqtt3Delegate;
    private static Field confirmable;
    private static Field publishWithFlows;
    private static Field statefulPublish;
    private static Method packetIdentifier;
    private static Method isDup;

    private HiveMqPublishDetails() {}

    /**
     * A message builder with the PUBLISH fields that MQTT 3.1.1 and 5 share (topic, payload, QoS,
     * retain) and the packet id and DUP flag read here; the MQTT 5 adapter adds its properties.
     */
    public static MqttMessage.Builder messageBuilder(
            Object publish, MqttTopic topic, byte[] payload, MqttQos qos, boolean retain) {
        Details details = of(publish);
        int code = qos.getCode();
        return MqttMessage.builder()
                .setTopic(topic.toString())
                .setPayload(payload)
                .setQos(code)
                .setRetained(retain)
                .setDup(Details.dupOf(details))
                .setPacketId(Details.packetIdOf(details, code));
    }

    /** Details of a publish handed to a {@code publishes(...)} callback, or null if unavailable. */
    @Nullable
    public static Details of(Object publish) {
        if (!initialized) {
            init();
        }
        if (broken) {
            return null;
        }
        try {
            Object p = publish;
            if (mqtt3Delegate.getDeclaringClass().isInstance(p)) {
                p = mqtt3Delegate.get(p);
            }
            if (!confirmable.getDeclaringClass().isInstance(p)) {
                return fail("unexpected publish class " + publish.getClass().getName(), null);
            }
            Object c = confirmable.get(p);
            if (c == null || !publishWithFlows.getDeclaringClass().isInstance(c)) {
                // QoS 0 without manual acknowledgement carries no confirmable: no packet id to report.
                return null;
            }
            Object flows = publishWithFlows.get(c);
            Object stateful = flows == null ? null : statefulPublish.get(flows);
            if (stateful == null) {
                return null;
            }
            return new Details((Integer) packetIdentifier.invoke(stateful), (Boolean) isDup.invoke(stateful));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return fail("reading the packet failed", e);
        }
    }

    private static void init() {
        synchronized (LOCK) {
            if (initialized) {
                return;
            }
            try {
                ClassLoader cl = HiveMqPublishDetails.class.getClassLoader();
                mqtt3Delegate = field(cl, PKG + "message.publish.mqtt3.Mqtt3PublishView", "delegate");
                confirmable = field(cl, PKG + "message.publish.MqttPublish", "confirmable");
                publishWithFlows = field(cl, PKG + "handler.publish.incoming.MqttIncomingPublishConfirmable", "publishWithFlows");
                statefulPublish = field(cl, PKG + "handler.publish.incoming.MqttStatefulPublishWithFlows", "publish");
                Class<?> stateful = Class.forName(PKG + "message.publish.MqttStatefulPublish", false, cl);
                packetIdentifier = stateful.getMethod("getPacketIdentifier");
                isDup = stateful.getMethod("isDup");
                packetIdentifier.setAccessible(true);
                isDup.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                fail("the library's internals changed", e);
            }
            initialized = true;
        }
    }

    private static Field field(ClassLoader cl, String className, String name) throws ReflectiveOperationException {
        Field f = Class.forName(className, false, cl).getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    @Nullable
    private static Details fail(String why, @Nullable Throwable cause) {
        if (!broken) {
            broken = true;
            LOG.warn(
                    "Cannot read packet id and DUP flag from hivemq-mqtt-client ({}); metadata 'packet-id' "
                            + "and 'dup' will be NULL. Was the client library upgraded?",
                    why,
                    cause);
        }
        return null;
    }
}
