package io.mqttbridge.mqtt.sink;

import io.mqttbridge.mqtt.ConnAckRefusals;
import io.mqttbridge.mqtt.MqttClientFactory;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.MqttTls;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import org.apache.flink.annotation.Internal;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link MqttPublisher}s on the HiveMQ client, MQTT 5 or 3.1.1 as {@code protocol-version} says. A
 * publisher starts a clean session (MQTT 5: session expiry 0): the sink keeps every publish that is
 * not yet acknowledged itself and sends it again on the next connection, so the broker needs to keep
 * nothing for it, and a restarted subtask finds no stale state under its client id.
 */
@Internal
public final class HiveMqPublishers implements MqttPublisher.Factory {

    private static final long serialVersionUID = 1L;

    @Override
    public MqttPublisher create(MqttSinkConfig config, String clientId, Consumer<Throwable> onConnectionLost) {
        return config.connection().protocolVersion() == MqttOptions.ProtocolVersion.V5
                ? new Mqtt5Publisher(config, clientId, onConnectionLost)
                : new Mqtt3Publisher(config, clientId, onConnectionLost);
    }

    /** "the broker at tcp://h:p refused the connection of client 'id': NOT_AUTHORIZED (0x87)". */
    private static PublishRefusedException connectRefused(MqttSinkConfig config, String clientId, String reason) {
        return new PublishRefusedException("The broker at " + config.connection().serverUri()
                + " refused the connection of the mqtt sink's client '" + clientId + "': " + reason
                + ". Check 'username', 'password', the broker's ACL for this client id and 'client-id-prefix'");
    }

    private static String code(Enum<?> code, int value, Optional<?> reasonString) {
        return code + " (0x" + Integer.toHexString(value).toUpperCase(Locale.ROOT)
                + reasonString.map(r -> ", " + r).orElse("") + ")";
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** A refused CONNECT: the reason code as {@link #code} writes it, and whether another attempt gets it again. */
    private record Refusal(String reason, boolean permanent) {}

    /** What the MQTT 5 and 3.1.1 publishers do alike: their client id, and what becomes of a failed CONNECT. */
    private abstract static class Publisher implements MqttPublisher {
        final MqttSinkConfig config;
        final String clientId;

        Publisher(MqttSinkConfig config, String clientId) {
            this.config = config;
            this.clientId = clientId;
        }

        /**
         * Completes when the CONNACK came. A refusal (an {@code E}) that another attempt gets again fails
         * with a {@link PublishRefusedException}; any other refusal or failure is passed on, to be retried.
         */
        <E extends Throwable> CompletableFuture<Void> connected(
                CompletableFuture<?> connAck, Class<E> refusedType, Function<E, Refusal> refusal) {
            return connAck.handle((ignored, error) -> {
                Throwable e = error == null ? null : unwrap(error);
                if (refusedType.isInstance(e)) {
                    Refusal r = refusal.apply(refusedType.cast(e));
                    if (r.permanent()) {
                        throw connectRefused(config, clientId, r.reason());
                    }
                    throw new CompletionException(new IllegalStateException("CONNACK " + r.reason(), e));
                }
                if (e != null) {
                    throw new CompletionException(e.getMessage() + MqttTls.explainHandshakeFailure(config.connection(), e), e);
                }
                return null;
            });
        }
    }

    private static final class Mqtt5Publisher extends Publisher {
        private final Mqtt5AsyncClient client;

        Mqtt5Publisher(MqttSinkConfig config, String clientId, Consumer<Throwable> onConnectionLost) {
            super(config, clientId);
            this.client = MqttClientFactory.mqtt5(config.connection(), clientId, context -> onConnectionLost.accept(context.getCause()));
        }

        @Override
        public CompletableFuture<Void> connect() {
            CompletableFuture<?> connAck = client.connectWith()
                    .cleanStart(true)
                    .sessionExpiryInterval(0)
                    .keepAlive(config.connection().keepAliveSeconds())
                    .send();
            return connected(connAck, Mqtt5ConnAckException.class, e -> {
                var ack = e.getMqttMessage();
                return new Refusal(code(ack.getReasonCode(), ack.getReasonCode().getCode(), ack.getReasonString()),
                        ConnAckRefusals.permanent(ack.getReasonCode()));
            });
        }

        @Override
        public CompletableFuture<Void> publish(MqttMessage message) {
            Mqtt5PublishBuilder.Send.Complete<CompletableFuture<Mqtt5PublishResult>> publish = client.publishWith()
                    .topic(message.topic())
                    .qos(MqttQos.fromCode(message.qos()))
                    .retain(message.retained())
                    .payload(message.payload());
            if (!message.userProperties().isEmpty()) {
                Mqtt5UserPropertiesBuilder properties = Mqtt5UserProperties.builder();
                for (Map.Entry<String, String> p : message.userProperties().entrySet()) {
                    properties.add(p.getKey(), p.getValue());
                }
                publish.userProperties(properties.build());
            }
            if (message.contentType() != null) {
                publish.contentType(message.contentType());
            }
            if (message.responseTopic() != null) {
                publish.responseTopic(message.responseTopic());
            }
            if (message.correlationData() != null) {
                publish.correlationData(message.correlationData());
            }
            if (message.messageExpirySeconds() != null) {
                publish.messageExpiryInterval(message.messageExpirySeconds());
            }
            return publish.send().handle((result, error) -> {
                Throwable e = error != null ? unwrap(error) : result.getError().orElse(null);
                if (e == null) {
                    return null;
                }
                throw new CompletionException(classify(e));
            });
        }

        /** A PUBACK/PUBREC with an error reason code is the broker's answer: final. Anything else: the connection. */
        private Throwable classify(Throwable e) {
            if (e instanceof Mqtt5PubAckException) {
                var ack = ((Mqtt5PubAckException) e).getMqttMessage();
                return refused(code(ack.getReasonCode(), ack.getReasonCode().getCode(), ack.getReasonString()));
            }
            if (e instanceof Mqtt5PubRecException) {
                var rec = ((Mqtt5PubRecException) e).getMqttMessage();
                return refused(code(rec.getReasonCode(), rec.getReasonCode().getCode(), rec.getReasonString()));
            }
            return e;
        }

        private PublishRefusedException refused(String reason) {
            return new PublishRefusedException("the broker at " + config.connection().serverUri() + " refused it with " + reason);
        }

        @Override
        public void close() {
            client.disconnect().exceptionally(ignored -> null);
        }
    }

    private static final class Mqtt3Publisher extends Publisher {
        private final Mqtt3AsyncClient client;

        Mqtt3Publisher(MqttSinkConfig config, String clientId, Consumer<Throwable> onConnectionLost) {
            super(config, clientId);
            this.client = MqttClientFactory.mqtt3(config.connection(), clientId, context -> onConnectionLost.accept(context.getCause()));
        }

        @Override
        public CompletableFuture<Void> connect() {
            CompletableFuture<?> connAck = client.connectWith()
                    .cleanSession(true)
                    .keepAlive(config.connection().keepAliveSeconds())
                    .send();
            return connected(connAck, Mqtt3ConnAckException.class, e -> {
                Mqtt3ConnAckReturnCode code = e.getMqttMessage().getReturnCode();
                return new Refusal(code(code, code.getCode(), Optional.empty()), ConnAckRefusals.permanent(code));
            });
        }

        @Override
        public CompletableFuture<Void> publish(MqttMessage message) {
            if (!message.userProperties().isEmpty() || message.contentType() != null || message.responseTopic() != null
                    || message.correlationData() != null || message.messageExpirySeconds() != null) {
                // MQTT 3.1.1 has no properties: refused rather than silently left out
                return CompletableFuture.failedFuture(new PublishRefusedException(
                        "MQTT 3.1.1 cannot carry user properties or other MQTT 5 properties; use protocol-version '5'"));
            }
            // MQTT 3.1.1 has no reason codes: a refused publish ends the connection (and is sent again)
            return client.publishWith()
                    .topic(message.topic())
                    .qos(MqttQos.fromCode(message.qos()))
                    .retain(message.retained())
                    .payload(message.payload())
                    .send()
                    .thenApply(ignored -> null);
        }

        @Override
        public void close() {
            client.disconnect().exceptionally(ignored -> null);
        }
    }
}
