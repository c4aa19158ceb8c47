package io.mqttbridge.mqtt;

import io.mqttbridge.connector.options.OptionChecks;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import static io.mqttbridge.connector.options.OptionChecks.intInRange;
import static io.mqttbridge.connector.options.OptionChecks.invalid;
import static io.mqttbridge.connector.options.OptionChecks.missing;
import static io.mqttbridge.connector.options.OptionChecks.optionalString;
import static io.mqttbridge.connector.options.OptionChecks.positiveDuration;
import static io.mqttbridge.connector.options.OptionChecks.requireString;

/**
 * How to reach and log in to a broker: the connection part of {@link MqttOptions}, validated once.
 * Immutable and serializable (shipped to the task managers). {@link #toString()} never shows the
 * passwords.
 */
@Internal
public final class MqttConnectionConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** MQTT 5 Session Expiry Interval is a 4-byte unsigned integer; this value means "never". */
    public static final long SESSION_EXPIRY_NEVER = 0xFFFF_FFFFL;

    private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "mqtt", "mqtts");

    private final String serverUri;
    private final boolean tls;
    private final String host;
    private final int port;
    @Nullable private final String username;
    @Nullable private final String password;
    private final MqttOptions.ProtocolVersion protocolVersion;
    private final long sessionExpirySeconds;
    private final int receiveMaximum;
    /** The protocol's limit when not set: the client then sends no Maximum Packet Size. */
    private final int maximumPacketSize;
    private final int keepAliveSeconds;
    private final Duration connectTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    @Nullable private final String trustStore;
    @Nullable private final String trustStorePassword;
    @Nullable private final String keyStore;
    @Nullable private final String keyStorePassword;
    private final boolean verifyHostname;
    /** Built from the stores once per deserialized copy (i.e. once per reader), not per connection attempt. */
    @Nullable private transient volatile MqttClientSslConfig sslConfig;

    private static final String SERVER_URI_FORMAT = "tcp://host:port or ssl://host:port";

    private MqttConnectionConfig(ReadableConfig config) {
        this.serverUri = requireString(config, MqttOptions.SERVER_URI, SERVER_URI_FORMAT);
        URI uri = OptionChecks.uri(MqttOptions.SERVER_URI, serverUri, SCHEMES, SERVER_URI_FORMAT);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        this.tls = scheme.equals("ssl") || scheme.equals("mqtts");
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (tls ? 8883 : 1883);
        this.username = config.getOptional(MqttOptions.USERNAME).orElse(null);
        this.password = config.getOptional(MqttOptions.PASSWORD).orElse(null);
        this.protocolVersion = config.get(MqttOptions.PROTOCOL_VERSION);
        if (password != null && username == null && protocolVersion == MqttOptions.ProtocolVersion.V3_1_1) {
            throw missing(
                    MqttOptions.USERNAME,
                    "a user name, because option 'password' is set and protocol-version is '3.1.1' "
                            + "(MQTT 3.1.1 has no password without a user name)");
        }
        Duration expiry = config.get(MqttOptions.SESSION_EXPIRY);
        if (expiry.isNegative()) {
            throw invalid(MqttOptions.SESSION_EXPIRY, expiry, "a duration of 0 s or more");
        }
        this.sessionExpirySeconds = Math.min(expiry.getSeconds(), SESSION_EXPIRY_NEVER);
        this.receiveMaximum = intInRange(config, MqttOptions.RECEIVE_MAXIMUM, 1, 65_535);
        this.maximumPacketSize = maximumPacketSize(config, protocolVersion);
        Duration keepAlive = config.get(MqttOptions.KEEP_ALIVE);
        // MQTT counts keep alive in whole seconds and 0 switches it off: a value under 1 s would
        // silently become "off", so it is refused.
        if (keepAlive.isNegative() || keepAlive.getSeconds() > 65_535
                || (!keepAlive.isZero() && keepAlive.getSeconds() < 1)) {
            throw invalid(MqttOptions.KEEP_ALIVE, keepAlive, "0 s (off) or 1 s to 65535 s");
        }
        this.keepAliveSeconds = (int) keepAlive.getSeconds();
        this.connectTimeout = positiveDuration(config, MqttOptions.CONNECT_TIMEOUT);
        this.initialBackoff = positiveDuration(config, MqttOptions.RECONNECT_BACKOFF_INITIAL);
        this.maxBackoff = positiveDuration(config, MqttOptions.RECONNECT_BACKOFF_MAX);
        OptionChecks.notShorter(
                MqttOptions.RECONNECT_BACKOFF_MAX, maxBackoff, MqttOptions.RECONNECT_BACKOFF_INITIAL, initialBackoff);
        this.trustStore = optionalString(config, MqttOptions.TLS_TRUSTSTORE);
        this.trustStorePassword = config.getOptional(MqttOptions.TLS_TRUSTSTORE_PASSWORD).orElse(null);
        this.keyStore = optionalString(config, MqttOptions.TLS_KEYSTORE);
        this.keyStorePassword = config.getOptional(MqttOptions.TLS_KEYSTORE_PASSWORD).orElse(null);
        this.verifyHostname = config.get(MqttOptions.TLS_VERIFY_HOSTNAME);
        if (!tls) {
            // a store given for a plain connection is a mistake either here or in server-uri: say both
            if (trustStore != null) {
                throw invalid(MqttOptions.TLS_TRUSTSTORE, trustStore, storeNeedsTls());
            }
            if (keyStore != null) {
                throw invalid(MqttOptions.TLS_KEYSTORE, keyStore, storeNeedsTls());
            }
        }
    }

    /** The largest packet MQTT can frame: a 4-byte variable length (268,435,455) plus 5 header bytes. */
    static final long MAXIMUM_PACKET_SIZE_LIMIT = 268_435_460L;

    /** Below this not even a PUBLISH with a one-letter topic and a small payload fits. */
    static final long MAXIMUM_PACKET_SIZE_MIN = 16L;

    private static int maximumPacketSize(ReadableConfig config, MqttOptions.ProtocolVersion protocol) {
        MemorySize size = config.getOptional(MqttOptions.MAXIMUM_PACKET_SIZE).orElse(null);
        if (size == null) {
            return (int) MAXIMUM_PACKET_SIZE_LIMIT;
        }
        if (size.getBytes() < MAXIMUM_PACKET_SIZE_MIN || size.getBytes() > MAXIMUM_PACKET_SIZE_LIMIT) {
            throw invalid(MqttOptions.MAXIMUM_PACKET_SIZE, size, "16 bytes to 268435460 bytes, e.g. '1 mb'");
        }
        if (protocol != MqttOptions.ProtocolVersion.V5) {
            // MQTT 3.1.1 has no way to tell the broker a limit: refused rather than silently ignored
            throw invalid(MqttOptions.MAXIMUM_PACKET_SIZE, size,
                    "no value with protocol-version '3.1.1', which cannot send a Maximum Packet Size; "
                            + "use protocol-version '5' or the broker's own limit");
        }
        return (int) size.getBytes();
    }

    private String storeNeedsTls() {
        return "no store with a plain server-uri ('" + serverUri + "'); use ssl://host:port for TLS";
    }

    /** @throws IllegalArgumentException naming the option and the accepted values */
    public static MqttConnectionConfig fromConfiguration(ReadableConfig config) {
        return new MqttConnectionConfig(config);
    }

    public String serverUri() {
        return serverUri;
    }

    public boolean tls() {
        return tls;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    @Nullable
    public String username() {
        return username;
    }

    /** The password; never log it. */
    @Nullable
    public String password() {
        return password;
    }

    public MqttOptions.ProtocolVersion protocolVersion() {
        return protocolVersion;
    }

    public long sessionExpirySeconds() {
        return sessionExpirySeconds;
    }

    public int receiveMaximum() {
        return receiveMaximum;
    }

    /**
     * MQTT 5 Maximum Packet Size in bytes for CONNECT; when not set the protocol's limit, 268435460, which
     * the client leaves out of CONNECT (MQTT's default), so that the broker's own limit applies.
     */
    public int maximumPacketSize() {
        return maximumPacketSize;
    }

    /** Keep alive in whole seconds as MQTT sends it: 0 (off) or 1 .. 65535. */
    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    @Nullable
    public String trustStore() {
        return trustStore;
    }

    @Nullable
    public String trustStorePassword() {
        return trustStorePassword;
    }

    @Nullable
    public String keyStore() {
        return keyStore;
    }

    @Nullable
    public String keyStorePassword() {
        return keyStorePassword;
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    /**
     * The TLS settings, reading the trust and key stores on the first call only.
     *
     * @throws IllegalArgumentException naming the store option when a store cannot be read
     */
    public MqttClientSslConfig sslConfig() {
        MqttClientSslConfig result = sslConfig;
        if (result == null) {
            synchronized (this) {
                result = sslConfig;
                if (result == null) {
                    result = MqttTls.sslConfig(this);
                    sslConfig = result;
                }
            }
        }
        return result;
    }

    /**
     * Opens the tls.* stores now (plan time, --validate) so an unreadable store is reported with its
     * option before the job runs; no-op without TLS.
     *
     * @throws IllegalArgumentException naming the store option when a store cannot be read
     */
    public void checkTlsStores() {
        if (tls) {
            sslConfig();
        }
    }

    /** Equal when every option is equal (so that a planner sees two equal table sources as one). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttConnectionConfig)) {
            return false;
        }
        MqttConnectionConfig that = (MqttConnectionConfig) o;
        return port == that.port
                && sessionExpirySeconds == that.sessionExpirySeconds
                && receiveMaximum == that.receiveMaximum
                && maximumPacketSize == that.maximumPacketSize
                && keepAliveSeconds == that.keepAliveSeconds
                && verifyHostname == that.verifyHostname
                && serverUri.equals(that.serverUri)
                && Objects.equals(username, that.username)
                && Objects.equals(password, that.password)
                && protocolVersion == that.protocolVersion
                && connectTimeout.equals(that.connectTimeout)
                && initialBackoff.equals(that.initialBackoff)
                && maxBackoff.equals(that.maxBackoff)
                && Objects.equals(trustStore, that.trustStore)
                && Objects.equals(trustStorePassword, that.trustStorePassword)
                && Objects.equals(keyStore, that.keyStore)
                && Objects.equals(keyStorePassword, that.keyStorePassword);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serverUri, username, protocolVersion, sessionExpirySeconds, receiveMaximum, keepAliveSeconds);
    }

    @Override
    public String toString() {
        return "MqttConnectionConfig{" + serverUri + ", protocol " + protocolVersion
                + ", username " + (username == null ? "none" : "'" + username + "'")
                + ", password " + (password == null ? "none" : "******")
                + ", session-expiry " + sessionExpirySeconds + " s, receive-maximum " + receiveMaximum + '}';
    }
}
