package io.mqttbridge.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

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

    private final String serverUri;
    private final boolean tls;
    private final String host;
    private final int port;
    @Nullable private final String username;
    @Nullable private final String password;
    private final MqttOptions.ProtocolVersion protocolVersion;
    private final long sessionExpirySeconds;
    private final int receiveMaximum;
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

    private MqttConnectionConfig(ReadableConfig config) {
        this.serverUri = require(config, MqttOptions.SERVER_URI, "tcp://host:port or ssl://host:port");
        URI uri;
        try {
            uri = new URI(serverUri);
        } catch (URISyntaxException e) {
            throw invalid(MqttOptions.SERVER_URI, serverUri, "tcp://host:port or ssl://host:port");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("tcp") && !scheme.equals("ssl") && !scheme.equals("mqtt") && !scheme.equals("mqtts")) {
            throw invalid(MqttOptions.SERVER_URI, serverUri, "tcp://host:port or ssl://host:port");
        }
        if (uri.getHost() == null) {
            throw invalid(MqttOptions.SERVER_URI, serverUri, "tcp://host:port or ssl://host:port (host missing)");
        }
        this.tls = scheme.equals("ssl") || scheme.equals("mqtts");
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (tls ? 8883 : 1883);
        this.username = config.getOptional(MqttOptions.USERNAME).orElse(null);
        this.password = config.getOptional(MqttOptions.PASSWORD).orElse(null);
        this.protocolVersion = config.get(MqttOptions.PROTOCOL_VERSION);
        if (password != null && username == null && protocolVersion == MqttOptions.ProtocolVersion.V3_1_1) {
            throw new IllegalArgumentException(
                    "Option 'password' requires option 'username' with protocol-version '3.1.1' (MQTT 3.1.1 has no password without a user name)");
        }
        Duration expiry = config.get(MqttOptions.SESSION_EXPIRY);
        if (expiry.isNegative()) {
            throw invalid(MqttOptions.SESSION_EXPIRY, expiry, "a duration >= 0");
        }
        this.sessionExpirySeconds = Math.min(expiry.getSeconds(), SESSION_EXPIRY_NEVER);
        this.receiveMaximum = config.get(MqttOptions.RECEIVE_MAXIMUM);
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw invalid(MqttOptions.RECEIVE_MAXIMUM, receiveMaximum, "1..65535");
        }
        Duration keepAlive = config.get(MqttOptions.KEEP_ALIVE);
        // MQTT counts keep alive in whole seconds and 0 switches it off: a value under 1 s would
        // silently become "off", so it is refused.
        if (keepAlive.isNegative() || keepAlive.getSeconds() > 65_535
                || (!keepAlive.isZero() && keepAlive.getSeconds() < 1)) {
            throw invalid(MqttOptions.KEEP_ALIVE, keepAlive, "0 s or 1 s .. 65535 s");
        }
        this.keepAliveSeconds = (int) keepAlive.getSeconds();
        this.connectTimeout = positive(config, MqttOptions.CONNECT_TIMEOUT);
        this.initialBackoff = positive(config, MqttOptions.RECONNECT_BACKOFF_INITIAL);
        this.maxBackoff = positive(config, MqttOptions.RECONNECT_BACKOFF_MAX);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "Option 'reconnect.max-backoff' (" + maxBackoff.toMillis() + " ms) must not be smaller than "
                            + "'reconnect.initial-backoff' (" + initialBackoff.toMillis() + " ms)");
        }
        this.trustStore = config.getOptional(MqttOptions.TLS_TRUSTSTORE).orElse(null);
        this.trustStorePassword = config.getOptional(MqttOptions.TLS_TRUSTSTORE_PASSWORD).orElse(null);
        this.keyStore = config.getOptional(MqttOptions.TLS_KEYSTORE).orElse(null);
        this.keyStorePassword = config.getOptional(MqttOptions.TLS_KEYSTORE_PASSWORD).orElse(null);
        this.verifyHostname = config.get(MqttOptions.TLS_VERIFY_HOSTNAME);
        if (!tls && (trustStore != null || keyStore != null)) {
            throw new IllegalArgumentException(
                    "Options 'tls.truststore' / 'tls.keystore' need an ssl:// server-uri, got '" + serverUri + "'");
        }
    }

    /** @throws IllegalArgumentException naming the option and the accepted values */
    public static MqttConnectionConfig fromConfiguration(ReadableConfig config) {
        return new MqttConnectionConfig(config);
    }

    /** The trimmed value; @throws IllegalArgumentException "Missing required option ..." when unset or blank */
    @Internal
    public static String require(ReadableConfig config, ConfigOption<String> option, String accepted) {
        String value = config.getOptional(option).orElse(null);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing required option '" + option.key() + "': expected " + accepted);
        }
        return value.trim();
    }

    private static Duration positive(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = config.get(option);
        if (value.isZero() || value.isNegative()) {
            throw invalid(option, value, "a positive duration, e.g. '500 ms' or '10 s'");
        }
        return value;
    }

    /** The one wording of a bad option value: "Invalid value 'v' for option 'k': expected ...". */
    @Internal
    public static IllegalArgumentException invalid(ConfigOption<?> option, Object value, String accepted) {
        return new IllegalArgumentException(
                "Invalid value '" + value + "' for option '" + option.key() + "': expected " + accepted);
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

    @Override
    public String toString() {
        return "MqttConnectionConfig{" + serverUri + ", protocol " + protocolVersion
                + ", username " + (username == null ? "none" : "'" + username + "'")
                + ", password " + (password == null ? "none" : "******")
                + ", session-expiry " + sessionExpirySeconds + " s, receive-maximum " + receiveMaximum + '}';
    }
}
