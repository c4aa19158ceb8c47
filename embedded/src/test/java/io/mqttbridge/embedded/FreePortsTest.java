package io.mqttbridge.embedded;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {

    @Test
    void pickedPortCanBeBoundOnLoopback() throws Exception {
        int port = FreePorts.pick();
        assertThat(port).isBetween(1, 65_535);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
