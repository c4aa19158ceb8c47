package io.mqttbridge.tests.security;

import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.embedded.MqttTestPublisher;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;

import javax.annotation.Nullable;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.stream.Stream;

/**
 * Mosquitto with a TLS listener that requires a client certificate ({@code require_certificate
 * true}) signed by a test CA, optionally with a password file; the certificates are made with
 * openssl, the stores with the JDK's keytool and openssl:
 *
 * <ul>
 *   <li>{@link #trustStore}: PKCS12 holding the test CA, which signed the broker certificate
 *       (localhost, 127.0.0.1);
 *   <li>{@link #clientKeyStore}: PKCS12 with a client certificate and key signed by the test CA;
 *   <li>{@link #foreignKeyStore}: the same, signed by another CA that the broker does not trust.
 * </ul>
 */
public final class MutualTlsBroker implements AutoCloseable {

    public static final String USER = "bridge";

    public final Path trustStore;
    public final Path clientKeyStore;
    public final Path foreignKeyStore;
    private final String trustStorePassword;
    private final String keyStorePassword;
    private final MosquittoBroker broker;

    private MutualTlsBroker(Path folder, String trustStorePassword, String keyStorePassword, MosquittoBroker broker) {
        this.trustStore = folder.resolve("trust.p12");
        this.clientKeyStore = folder.resolve("client.p12");
        this.foreignKeyStore = folder.resolve("foreign-client.p12");
        this.trustStorePassword = trustStorePassword;
        this.keyStorePassword = keyStorePassword;
        this.broker = broker;
    }

    /**
     * Makes the certificates and stores in {@code folder} (a new folder: it and its parent are made
     * readable for all) and starts Mosquitto; with a {@code password}, only {@link #USER} with that
     * password may connect.
     */
    public static MutualTlsBroker start(Path folder, String trustStorePassword, String keyStorePassword, @Nullable String password)
            throws IOException, InterruptedException {
        Files.createDirectories(folder);
        Path ca = folder.resolve("ca.pem");
        Path caKey = folder.resolve("ca.key");
        Path cert = folder.resolve("server.pem");
        Path key = folder.resolve("server.key");
        authority(caKey, ca, "mqtt-bridge test CA");
        signed(folder, "server", "localhost", ca, caKey, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        signed(folder, "client", "bridge-client", ca, caKey, "extendedKeyUsage=clientAuth\n");
        pkcs12(folder, "client", "client.p12", keyStorePassword);
        Path otherCa = folder.resolve("other-ca.pem");
        Path otherCaKey = folder.resolve("other-ca.key");
        authority(otherCaKey, otherCa, "some other CA");
        signed(folder, "foreign-client", "bridge-client", otherCa, otherCaKey, "extendedKeyUsage=clientAuth\n");
        pkcs12(folder, "foreign-client", "foreign-client.p12", keyStorePassword);
        // The JDK running the tests: PATH may have no keytool, or another JDK's.
        run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "test-ca", "-file", ca.toString(), "-keystore", folder.resolve("trust.p12").toString(),
                "-storetype", "PKCS12", "-storepass", trustStorePassword);

        StringBuilder config = new StringBuilder()
                .append("cafile ").append(ca).append('\n')
                .append("certfile ").append(cert).append('\n')
                .append("keyfile ").append(key).append('\n')
                .append("require_certificate true\n");
        if (password != null) {
            Path passwords = folder.resolve("passwords");
            run("mosquitto_passwd", "-b", "-c", passwords.toString(), USER, password);
            config.append("allow_anonymous false\npassword_file ").append(passwords).append('\n');
        }
        // Mosquitto started as root drops to the user 'mosquitto', which must be able to read these files
        // (the parent is a test's temporary folder, private to its owner).
        Files.setPosixFilePermissions(folder.toAbsolutePath().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        MosquittoBroker broker = MosquittoBroker.start(FreePorts.pick(), folder, config.toString());
        return new MutualTlsBroker(folder, trustStorePassword, keyStorePassword, broker);
    }

    private static void authority(Path key, Path cert, String name) throws IOException, InterruptedException {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", key.toString(), "-out", cert.toString());
    }

    /** {@code <name>.key} and {@code <name>.pem} for {@code cn}, signed by the CA, with {@code extensions}. */
    private static void signed(Path folder, String name, String cn, Path ca, Path caKey, String extensions)
            throws IOException, InterruptedException {
        Path key = folder.resolve(name + ".key");
        Path request = folder.resolve(name + ".csr");
        Path ext = folder.resolve(name + ".ext");
        Files.writeString(ext, extensions);
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn, "-keyout", key.toString(),
                "-out", request.toString());
        run("openssl", "x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", folder.resolve(name + ".pem").toString());
    }

    private static void pkcs12(Path folder, String name, String store, String password) throws IOException, InterruptedException {
        run("openssl", "pkcs12", "-export", "-in", folder.resolve(name + ".pem").toString(),
                "-inkey", folder.resolve(name + ".key").toString(), "-name", name,
                "-out", folder.resolve(store).toString(), "-passout", "pass:" + password);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(command[0] + " " + command[1] + " failed: " + output);
        }
    }

    public int port() {
        return broker.port();
    }

    /** {@code ssl://localhost:<port>}: the name in the broker certificate. */
    public String serverUri() {
        return "ssl://localhost:" + broker.port();
    }

    /** A publisher with the CA-signed client certificate; logs in when {@code password} is given. */
    public MqttTestPublisher publisher(String clientId, @Nullable String password) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(trustStore, trustStorePassword));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(clientKeyStore, keyStorePassword), keyStorePassword.toCharArray());
        var builder = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("localhost").serverPort(broker.port())
                .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(trust).keyManagerFactory(keys).build());
        if (password != null) {
            builder = builder.simpleAuth().username(USER).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        return MqttTestPublisher.connect(builder);
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    @Override
    public void close() {
        broker.close();
    }
}
