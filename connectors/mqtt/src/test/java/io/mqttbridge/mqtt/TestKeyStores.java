package io.mqttbridge.mqtt;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

/** Key stores for the TLS option checks. */
public final class TestKeyStores {

    private TestKeyStores() {}

    /** Writes an empty PKCS12 store that {@code password} opens; returns its path. */
    public static String emptyStore(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file.toString();
    }
}
