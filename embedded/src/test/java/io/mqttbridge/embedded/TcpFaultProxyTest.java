package io.mqttbridge.embedded;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy against a real echo server on loopback: forwards, cuts, black-holes and forwards again. */
class TcpFaultProxyTest {

    private ServerSocket echoServer;
    private final AtomicLong echoed = new AtomicLong();
    private TcpFaultProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echoServer.isClosed()) {
                try {
                    Socket s = echoServer.accept();
                    Thread echo = new Thread(() -> echo(s));
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpFaultProxy.start(echoServer.getLocalPort());
    }

    private void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int b;
            while ((b = in.read()) >= 0) {
                echoed.incrementAndGet();
                out.write(b);
                out.flush();
            }
        } catch (IOException e) {
            // the test cut it
        }
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echoServer.close();
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, 'a')).isEqualTo('a');
            assertThat(proxy.accepted()).isEqualTo(1);
            assertThat(proxy.open()).isEqualTo(1);
        }
    }

    @Test
    void cutAllEndsEveryConnectionAndAcceptsNewOnes() throws Exception {
        try (Socket first = connect(); Socket second = connect()) {
            roundTrip(first, 'a');
            roundTrip(second, 'b');
            assertThat(proxy.cutAll()).isEqualTo(2);
            assertThat(first.getInputStream().read()).as("the client sees its connection end").isEqualTo(-1);
            assertThat(second.getInputStream().read()).isEqualTo(-1);
            await(() -> proxy.open() == 0);
        }
        try (Socket third = connect()) {
            assertThat(roundTrip(third, 'c')).isEqualTo('c');
        }
    }

    @Test
    void blackHoleHoldsBytesWithTheSocketOpenUntilForwardingResumes() throws Exception {
        try (Socket client = connect()) {
            roundTrip(client, 'a');
            long echoedBefore = echoed.get();
            proxy.blackHole();
            client.getOutputStream().write('b');
            client.getOutputStream().flush();
            // The proxy has read the byte and holds it: it did not reach the server, and the connection is still open.
            await(() -> proxy.held() == 1);
            assertThat(echoed.get()).isEqualTo(echoedBefore);
            assertThat(proxy.open()).isEqualTo(1);
            assertThat(client.isClosed()).isFalse();

            try (Socket during = connect()) {
                // A new connection is accepted (and connected to the server) but black-holed too.
                during.getOutputStream().write('x');
                await(() -> proxy.accepted() == 2 && proxy.open() == 2);
            }

            assertThat(echoed.get()).isEqualTo(echoedBefore);
            proxy.forward();
            assertThat(client.getInputStream().read()).isEqualTo('b');
            assertThat(roundTrip(client, 'c')).isEqualTo('c');
            // the other connection's 'x', held too, goes out on its own thread
            await(() -> proxy.held() == 0);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(30_000); // a bound against hanging, not a timing expectation
        return s;
    }

    private static int roundTrip(Socket s, char c) throws IOException {
        s.getOutputStream().write(c);
        s.getOutputStream().flush();
        return s.getInputStream().read();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
