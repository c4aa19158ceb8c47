package io.mqttbridge.mqtt.table;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The RocketMQ user properties of an MQTT message (metadata column {@code properties},
 * MAP&lt;STRING, STRING&gt;), so that a route into a {@code rocketmq} table's writable {@code properties}
 * carries every MQTT field: the Kafka headers of {@link MqttKafkaHeaders} as text, under the same
 * names. Correlation data, the one binary field, is Base64 (RFC 4648, with padding).
 *
 * <p>User properties come first under their own names (a repeated key keeps its last value), then
 * the fixed {@code mqtt.*} fields; a null field is left out. A user property is left out, rather
 * than failing the route at the RocketMQ producer, when it has a fixed {@code mqtt.*} name (a
 * publisher cannot fake the topic or message id), a name RocketMQ reserves for itself
 * ({@link #ROCKETMQ_RESERVED}: {@code KEYS}, {@code TAGS}, {@code DELAY}, ...), a blank name or
 * value (RocketMQ refuses both), or the characters U+0001 / U+0002 that RocketMQ uses to separate
 * properties on the wire.
 */
@PublicEvolving
public final class MqttRocketMqProperties {

    /**
     * Property names the RocketMQ client refuses in {@code Message.putUserProperty} ("used by
     * system"): its {@code MessageConst.STRING_HASH_SET} as of rocketmq-common 5.3.3.
     */
    public static final Set<String> ROCKETMQ_RESERVED =
            Collections.unmodifiableSet(
                    new HashSet<>(
                            Arrays.asList(
                                    "TRACE_ON", "MSG_REGION", "KEYS", "TAGS", "WAIT", "DELAY", "RETRY_TOPIC",
                                    "REAL_TOPIC", "REAL_QID", "TRAN_MSG", "PGROUP", "MIN_OFFSET", "MAX_OFFSET",
                                    "BUYER_ID", "ORIGIN_MESSAGE_ID", "TRANSFER_FLAG", "CORRECTION_FLAG",
                                    "MQ2_FLAG", "RECONSUME_TIME", "UNIQ_KEY", "MAX_RECONSUME_TIMES",
                                    "CONSUME_START_TIME", "POP_CK", "POP_CK_OFFSET", "1ST_POP_TIME",
                                    "TRAN_PREPARED_QUEUE_OFFSET", "DUP_INFO", "EXTEND_UNIQ_INFO", "INSTANCE_ID",
                                    "CORRELATION_ID", "REPLY_TO_CLIENT", "TTL", "ARRIVE_TIME", "PUSH_REPLY_TIME",
                                    "CLUSTER", "MSG_TYPE", "INNER_MULTI_QUEUE_OFFSET", "TIMER_DELAY_MS",
                                    "TIMER_DELAY_SEC", "TIMER_DELIVER_MS", "TIMER_ENQUEUE_MS",
                                    "TIMER_DEQUEUE_MS", "TIMER_ROLL_TIMES", "TIMER_OUT_MS", "TIMER_DEL_UNIQKEY",
                                    "TIMER_DELAY_LEVEL", "__BORNHOST", "BORN_TIMESTAMP", "DLQ_ORIGIN_TOPIC",
                                    "DLQ_ORIGIN_MESSAGE_ID", "__CRC32#")));

    private MqttRocketMqProperties() {}

    /** Property name to value, in a stable order: user properties first, then the fixed fields. */
    public static Map<String, String> of(MqttMessage message, MqttPropertyMetadata properties) {
        Map<String, String> result = new LinkedHashMap<>();
        message.userProperties()
                .forEach(
                        (name, value) -> {
                            if (carriedAsUserProperty(name)) {
                                result.put(name, value);
                            }
                        });
        MqttKafkaHeaders.writeFixed(
                message,
                properties,
                new MqttKafkaHeaders.FixedFields() {
                    @Override
                    public void text(String name, String value) {
                        result.put(name, value);
                    }

                    @Override
                    public void bytes(String name, byte[] value) {
                        result.put(name, Base64.getEncoder().encodeToString(value));
                    }
                });
        // Applies to the fixed fields too (an empty content type, a message id with a control character).
        result.values().removeIf(value -> value.isBlank() || separates(value));
        return Collections.unmodifiableMap(result);
    }

    private static boolean carriedAsUserProperty(String name) {
        return !MqttKafkaHeaders.FIXED_NAMES.contains(name)
                && !ROCKETMQ_RESERVED.contains(name)
                && !name.isBlank()
                && !separates(name);
    }

    private static boolean separates(String s) {
        return s.indexOf('\u0001') >= 0 || s.indexOf('\u0002') >= 0;
    }
}
