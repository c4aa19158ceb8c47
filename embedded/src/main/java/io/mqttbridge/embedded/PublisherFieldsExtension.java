package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.interceptor.connect.ConnectInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.connect.parameter.ConnectInboundInput;
import com.hivemq.extension.sdk.api.interceptor.connect.parameter.ConnectInboundOutput;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.ModifiableUserProperties;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

import java.net.InetAddress;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An embedded HiveMQ extension (public extension SDK) that stamps the publisher fields on every
 * message as it arrives, as MQTT 5 user properties: {@value #MESSAGE_ID} (a random UUID),
 * {@value #TIMESTAMP} (the broker's clock, epoch milliseconds), {@value #CLIENT_ID},
 * {@value #CLIENT_HOST} (the publisher's IP address) and {@value #USERNAME} (left out when the
 * publisher logged in without one). The names are the defaults of the {@code mqtt} table's
 * {@code *.property} options, so its metadata columns read them without configuration; this module
 * does not depend on the connector, and a test in {@code tests/} keeps the two lists equal.
 *
 * <p>A will message is stamped when its client connects (no {@value #TIMESTAMP}: the time it will be
 * published is not known then, and the table falls back to the receive time).
 */
@PublicEvolving
public final class PublisherFieldsExtension implements ExtensionMain {

    public static final String MESSAGE_ID = "message-id";
    public static final String TIMESTAMP = "timestamp";
    public static final String CLIENT_ID = "client-id";
    public static final String CLIENT_HOST = "client-host";
    public static final String USERNAME = "username";

    /** Where the CONNECT's user name waits for the client's publishes (the PUBLISH does not carry it). */
    private static final String USERNAME_ATTRIBUTE = "io.mqttbridge.publisher-fields.username";

    private final boolean overwrite;

    private PublisherFieldsExtension(boolean overwrite) {
        this.overwrite = overwrite;
    }

    /** The extension for {@link com.hivemq.embedded.EmbeddedHiveMQBuilder#withEmbeddedExtension}. */
    public static EmbeddedExtension embedded(PublisherFields mode) {
        if (mode == PublisherFields.OFF) {
            throw new IllegalArgumentException("PublisherFields.OFF needs no extension");
        }
        return EmbeddedExtension.builder()
                .withId("mqtt-bridge-publisher-fields")
                .withName("mqtt-bridge publisher fields")
                .withVersion("1")
                .withAuthor("mqtt-bridge")
                .withPriority(1000)
                .withStartPriority(1000)
                .withExtensionMain(new PublisherFieldsExtension(mode == PublisherFields.OVERWRITE))
                .build();
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        // Called while the broker starts, so these registries are the ones of the broker being built.
        ConnectInboundInterceptor onConnect = this::onConnect;
        PublishInboundInterceptor onPublish = this::onPublish;
        Services.interceptorRegistry().setConnectInboundInterceptorProvider(providerInput -> onConnect);
        Services.initializerRegistry().setClientInitializer((in, client) -> client.addPublishInboundInterceptor(onPublish));
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // Interceptors go with the broker.
    }

    private void onConnect(ConnectInboundInput input, ConnectInboundOutput output) {
        ConnectionInformation connection = input.getConnectionInformation();
        Optional<String> username = input.getConnectPacket().getUserName();
        username.ifPresent(u -> connection.getConnectionAttributeStore().putAsString(USERNAME_ATTRIBUTE, u));
        output.getConnectPacket()
                .getModifiableWillPublish()
                .ifPresent(
                        will -> {
                            ModifiableUserProperties properties = will.getUserProperties();
                            stampPublisher(properties, input.getClientInformation().getClientId(), connection, username);
                            set(properties, MESSAGE_ID, () -> UUID.randomUUID().toString());
                        });
    }

    private void onPublish(PublishInboundInput input, PublishInboundOutput output) {
        ModifiableUserProperties properties = output.getPublishPacket().getUserProperties();
        ConnectionInformation connection = input.getConnectionInformation();
        set(properties, MESSAGE_ID, () -> UUID.randomUUID().toString());
        set(properties, TIMESTAMP, () -> Long.toString(System.currentTimeMillis()));
        stampPublisher(
                properties,
                input.getClientInformation().getClientId(),
                connection,
                connection.getConnectionAttributeStore().getAsString(USERNAME_ATTRIBUTE));
    }

    private void stampPublisher(
            ModifiableUserProperties properties, String clientId, ConnectionInformation connection, Optional<String> username) {
        set(properties, CLIENT_ID, Optional.of(clientId));
        set(properties, CLIENT_HOST, connection.getInetAddress().map(InetAddress::getHostAddress));
        set(properties, USERNAME, username);
    }

    private void set(ModifiableUserProperties properties, String name, Supplier<String> value) {
        if (overwrite || properties.getFirst(name).isEmpty()) {
            properties.removeName(name);
            properties.addUserProperty(name, value.get());
        }
    }

    /** As above for a field the broker may not know; overwriting then removes what the publisher claimed. */
    private void set(ModifiableUserProperties properties, String name, Optional<String> value) {
        if (overwrite) {
            properties.removeName(name);
        }
        value.ifPresent(v -> set(properties, name, () -> v));
    }
}
