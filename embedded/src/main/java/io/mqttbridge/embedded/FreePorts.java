package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports on 127.0.0.1 for the servers of tests and of the local stack. The one place that picks
 * them, so that every server binds the same address the port was checked on.
 *
 * <p>A picked port is free only until someone binds it. Two things took ports between the pick and
 * the bind in CI (an embedded RocketMQ broker failed with "Address already in use"): another server
 * of the same JVM given the same port, and an outgoing connection, whose local port the kernel takes
 * from the same ephemeral range that {@code new ServerSocket(0)} picks from. So on Linux ports are
 * picked below that range ({@code /proc/sys/net/ipv4/ip_local_port_range}), where the kernel never
 * hands out a local port, and no port is handed out twice in one JVM.
 */
@PublicEvolving
public final class FreePorts {

    /** The lowest port picked: above the ports that well-known servers (and the local stack's defaults) use. */
    static final int LOWEST = 20_000;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int ATTEMPTS = 200;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** The kernel's range does not change while a JVM runs: read once. */
    private static final OptionalInt EPHEMERAL_LOW = ephemeralLow();

    private FreePorts() {}

    /**
     * A port of 127.0.0.1 that was free a moment ago. Nothing listens on it, so it also serves as a
     * port that refuses connections; another process may take it before the caller binds it.
     * Unchecked, so that static fields of tests can be initialised with it.
     */
    public static int pick() {
        if (EPHEMERAL_LOW.isPresent() && EPHEMERAL_LOW.getAsInt() > LOWEST) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_LOW.getAsInt());
                if (HANDED_OUT.add(port) && bindable(port)) {
                    return port;
                }
            }
        }
        // No range to stay below (not Linux), or it is all taken: the kernel's choice.
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = kernelChoice();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port on 127.0.0.1 that was not handed out already");
    }

    /** The lowest port of the kernel's ephemeral range, when the system says (Linux). */
    static OptionalInt ephemeralLow() {
        // Read as lines: /proc reports a size of 0, and Files.readString read only the first byte of it.
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String[] range = reader.readLine().trim().split("\\s+");
            return OptionalInt.of(Integer.parseInt(range[0]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChoice() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }
}
