package io.mqttbridge.embedded;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FreePortsTest {

    @Test
    void pickedPortCanBeBoundOnLoopback() throws Exception {
        int port = FreePorts.pick();
        assertThat(port).isBetween(1, 65_535);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void portsArePickedBelowTheKernelsEphemeralRangeWhereOutgoingConnectionsCannotTakeThem() {
        OptionalInt ephemeralLow = FreePorts.ephemeralLow();
        assumeTrue(ephemeralLow.isPresent() && ephemeralLow.getAsInt() > FreePorts.LOWEST, "a Linux ephemeral range above " + FreePorts.LOWEST);
        for (int i = 0; i < 50; i++) {
            assertThat(FreePorts.pick()).isBetween(FreePorts.LOWEST, ephemeralLow.getAsInt() - 1);
        }
    }

    @Test
    void noPortIsHandedOutTwiceInOneJvm() throws Exception {
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            assertThat(picked.add(FreePorts.pick())).as("pick %d is new", i).isTrue();
        }
        // a port that a server of this JVM has bound is not picked again either
        int port = FreePorts.pick();
        try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 200; i++) {
                assertThat(FreePorts.pick()).isNotEqualTo(port);
            }
        }
    }
}
