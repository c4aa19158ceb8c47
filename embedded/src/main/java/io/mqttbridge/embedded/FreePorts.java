package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free ports on 127.0.0.1 for the servers of tests and of the local stack. The one place that picks
 * them, so that every server binds the same address the port was checked on.
 */
@PublicEvolving
public final class FreePorts {

    private FreePorts() {}

    /**
     * A port of 127.0.0.1 that was free a moment ago. Nothing listens on it, so it also serves as a
     * port that refuses connections; another process may take it before the caller binds it.
     * Unchecked, so that static fields of tests can be initialised with it.
     */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }
}
