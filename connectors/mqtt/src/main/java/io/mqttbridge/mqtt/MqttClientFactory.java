package io.mqttbridge.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedListener;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuthBuilder;
import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Builds HiveMQ clients from a {@link MqttConnectionConfig}: address, TLS, credentials, timeouts.
 * The library's automatic reconnect stays off: callers build a fresh client for every connection
 * attempt, because a reused client object keeps stale session state (see docs/connectors/mqtt.md,
 * "How the source works", and docs/brokers.md).
 */
@Internal
public final class MqttClientFactory {

    private MqttClientFactory() {}

    public static Mqtt5AsyncClient mqtt5(
            MqttConnectionConfig config, String clientId, MqttClientDisconnectedListener onDisconnected) {
        return mqtt5(config, clientId, onDisconnected, MqttClientExecutorConfig.builder().build());
    }

    /** With the threads of {@code executors}: where the client completes futures and hands over its flows' messages. */
    public static Mqtt5AsyncClient mqtt5(
            MqttConnectionConfig config,
            String clientId,
            MqttClientDisconnectedListener onDisconnected,
            MqttClientExecutorConfig executors) {
        Mqtt5ClientBuilder builder = base(config, clientId, onDisconnected, executors).useMqttVersion5();
        if (config.username() != null || config.password() != null) {
            Mqtt5SimpleAuthBuilder.Complete auth;
            if (config.username() != null) {
                auth = Mqtt5SimpleAuth.builder().username(config.username());
                if (config.password() != null) {
                    auth = auth.password(config.password().getBytes(StandardCharsets.UTF_8));
                }
            } else {
                auth = Mqtt5SimpleAuth.builder().password(config.password().getBytes(StandardCharsets.UTF_8));
            }
            builder = builder.simpleAuth(auth.build());
        }
        return builder.buildAsync();
    }

    public static Mqtt3AsyncClient mqtt3(
            MqttConnectionConfig config, String clientId, MqttClientDisconnectedListener onDisconnected) {
        return mqtt3(config, clientId, onDisconnected, MqttClientExecutorConfig.builder().build());
    }

    /** With the threads of {@code executors}, as {@link #mqtt5(MqttConnectionConfig, String, MqttClientDisconnectedListener, MqttClientExecutorConfig)}. */
    public static Mqtt3AsyncClient mqtt3(
            MqttConnectionConfig config,
            String clientId,
            MqttClientDisconnectedListener onDisconnected,
            MqttClientExecutorConfig executors) {
        Mqtt3ClientBuilder builder = base(config, clientId, onDisconnected, executors).useMqttVersion3();
        if (config.username() != null) {
            var auth = builder.simpleAuth().username(config.username());
            if (config.password() != null) {
                auth = auth.password(config.password().getBytes(StandardCharsets.UTF_8));
            }
            builder = auth.applySimpleAuth();
        }
        return builder.buildAsync();
    }

    private static MqttClientBuilder base(
            MqttConnectionConfig config,
            String clientId,
            MqttClientDisconnectedListener onDisconnected,
            MqttClientExecutorConfig executors) {
        long timeoutMs = config.connectTimeout().toMillis();
        // One transport config with everything: address, TLS and timeouts together.
        MqttClientTransportConfigBuilder transport =
                MqttClientTransportConfig.builder()
                        .serverHost(config.host())
                        .serverPort(config.port())
                        .socketConnectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                        .mqttConnectTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        if (config.tls()) {
            transport = transport.sslConfig(config.sslConfig());
        }
        return MqttClient.builder()
                .identifier(clientId)
                .transportConfig(transport.build())
                .executorConfig(executors)
                .addDisconnectedListener(onDisconnected);
    }
}
