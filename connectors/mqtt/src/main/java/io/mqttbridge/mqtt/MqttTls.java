package io.mqttbridge.mqtt;

import io.mqttbridge.connector.options.OptionChecks;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;

import javax.annotation.Nullable;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

/** Builds the client's TLS settings from the tls.* options: trust store, key store, hostname check. */
@Internal
public final class MqttTls {

    private MqttTls() {}

    /** @throws IllegalArgumentException naming the store option when a store cannot be read */
    public static MqttClientSslConfig sslConfig(MqttConnectionConfig config) {
        MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder();
        if (config.trustStore() != null) {
            KeyStore store = load(MqttOptions.TLS_TRUSTSTORE, config.trustStore(), config.trustStorePassword());
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                builder.trustManagerFactory(tmf);
            } catch (Exception e) {
                throw unusable(MqttOptions.TLS_TRUSTSTORE, config.trustStore(), e);
            }
        }
        if (config.keyStore() != null) {
            KeyStore store = load(MqttOptions.TLS_KEYSTORE, config.keyStore(), config.keyStorePassword());
            try {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, chars(config.keyStorePassword()));
                builder.keyManagerFactory(kmf);
            } catch (Exception e) {
                throw unusable(MqttOptions.TLS_KEYSTORE, config.keyStore(), e);
            }
        }
        if (!config.verifyHostname()) {
            // Explicit opt-out (tls.verify-hostname = false): the chain is still verified.
            builder.hostnameVerifier((hostname, session) -> true);
        }
        return builder.build();
    }

    /**
     * What a failed TLS handshake in {@code failure}'s cause chain means for the operator, as {@code
     * "; <explanation>"} to append to the failure; empty when the chain holds no TLS failure. The
     * client's own exception says only, for example, "Received fatal alert: unknown_ca".
     */
    public static String explainHandshakeFailure(MqttConnectionConfig config, Throwable failure) {
        SSLException tls = null;
        for (Throwable t = failure; t != null && tls == null; t = t.getCause() == t ? null : t.getCause()) {
            tls = t instanceof SSLException ? (SSLException) t : null;
        }
        if (tls == null) {
            return "";
        }
        String message = String.valueOf(tls.getMessage());
        // JDK 17 says "Received fatal alert: unknown_ca", later JDKs prefix it with "(unknown_ca) ".
        String alertPrefix = "Received fatal alert: ";
        int received = message.indexOf(alertPrefix);
        if (received < 0) {
            // Failed on this side: the client did not accept the broker's certificate.
            return "; the TLS handshake with the broker at " + config.serverUri() + " failed because this client did not "
                    + "accept the broker's certificate: check that option '" + MqttOptions.TLS_TRUSTSTORE.key() + "' ("
                    + (config.trustStore() == null ? "not set: the JVM's trusted CAs" : config.trustStore())
                    + ") holds the CA that signed it and that it names the host of 'server-uri' (or set '"
                    + MqttOptions.TLS_VERIFY_HOSTNAME.key() + "' = 'false')";
        }
        String alert = message.substring(received + alertPrefix.length());
        String refused = "; the broker at " + config.serverUri() + " refused the TLS handshake (alert " + alert + ")";
        if (config.keyStore() == null) {
            return refused + ": if it requires a client certificate, set option '" + MqttOptions.TLS_KEYSTORE.key()
                    + "' to a key store with a certificate signed by a CA the broker trusts";
        }
        return refused + ": it did not accept the client certificate of option '" + MqttOptions.TLS_KEYSTORE.key() + "' ("
                + config.keyStore() + "): check that a CA the broker trusts (Mosquitto: cafile) signed it and that it"
                + " has not expired";
    }

    /** Reads a PKCS12 or JKS file; the type follows the extension (.jks), else PKCS12 then JKS. */
    private static KeyStore load(ConfigOption<String> option, String path, @Nullable String password) {
        String[] types = path.toLowerCase().endsWith(".jks") ? new String[] {"JKS", "PKCS12"} : new String[] {"PKCS12", "JKS"};
        Exception last = null;
        for (String type : types) {
            try (InputStream in = Files.newInputStream(Path.of(path))) {
                KeyStore store = KeyStore.getInstance(type);
                store.load(in, chars(password));
                return store;
            } catch (java.nio.file.NoSuchFileException e) {
                IllegalArgumentException missing = OptionChecks.invalid(option, path, "an existing PKCS12 or JKS file (no such file)");
                missing.initCause(e);
                throw missing;
            } catch (Exception e) {
                last = e;
            }
        }
        // The message of a wrong password is "keystore password was incorrect"; it never contains the password.
        throw unusable(option, path, last);
    }

    private static IllegalArgumentException unusable(ConfigOption<String> option, String path, Exception cause) {
        IllegalArgumentException e = OptionChecks.invalid(
                option, path, "a PKCS12 or JKS file readable with option '" + option.key() + "-password' ("
                        + cause.getMessage() + ")");
        e.initCause(cause);
        return e;
    }

    @Nullable
    private static char[] chars(@Nullable String password) {
        return password == null ? null : password.toCharArray();
    }
}
