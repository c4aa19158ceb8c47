package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a server (an MQTT broker), for injecting network faults
 * between a client and that server: {@link #cutAll()} closes every connection at once (both ends see
 * the connection end, as when a link or a NAT entry dies with a reset), and {@link #blackHole()}
 * keeps every socket open but forwards nothing in either direction until {@link #forward()}: a
 * silent, half-open connection that only the protocol's keep-alive can detect. While black-holed,
 * new connections are accepted but get no answer either.
 *
 * <p>Bytes read while black-holed are held, not dropped: when forwarding resumes they are delivered,
 * as TCP retransmission would deliver them once a stalled path recovers.
 */
@PublicEvolving
public final class TcpFaultProxy implements AutoCloseable {

    private static final int BUFFER = 16 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private volatile boolean blackHoled;
    private volatile boolean closed;

    private TcpFaultProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
    }

    /** Starts a proxy on a free port of 127.0.0.1 that forwards to {@code 127.0.0.1:targetPort}. */
    public static TcpFaultProxy start(int targetPort) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpFaultProxy proxy = new TcpFaultProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), listener);
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a proxy port on 127.0.0.1", e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code tcp://127.0.0.1:<port>}: the address a client uses to reach the server through the proxy. */
    public String serverUri() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Connections accepted since the start (a reconnecting client adds one per attempt). */
    public long accepted() {
        return accepted.get();
    }

    /** Connections open now (both ends). */
    public int open() {
        return connections.size();
    }

    /** Bytes read from either side while black-holed and not forwarded yet. */
    public long held() {
        return held.get();
    }

    /** Closes every open connection, both ends; new connections are forwarded as before. Returns how many were cut. */
    public int cutAll() {
        List<Connection> cut = List.copyOf(connections);
        cut.forEach(Connection::close);
        return cut.size();
    }

    /** Stops forwarding in both directions on every connection, present and new; the sockets stay open. */
    public void blackHole() {
        blackHoled = true;
    }

    /** Forwards again, first the bytes held during the black-hole. */
    public void forward() {
        synchronized (gate) {
            blackHoled = false;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target, 10_000);
            } catch (IOException e) {
                // The server is down: the client sees its connection close, as it would without the proxy.
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            Connection connection = new Connection(client, server);
            connections.add(connection);
            try {
                threads.execute(() -> connection.pump(client, server));
                threads.execute(() -> connection.pump(server, client));
            } catch (RejectedExecutionException e) {
                connection.close(); // accepted while the proxy was closing
                return;
            }
        }
    }

    /** Blocks while black-holed; false once the proxy is closed. */
    private boolean awaitForwarding() throws InterruptedException {
        synchronized (gate) {
            while (blackHoled && !closed) {
                gate.wait(100);
            }
        }
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        forward();
        cutAll();
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing a socket twice or after a reset is expected here.
        }
    }

    /** One client connection and its connection to the server; closing one side closes both. */
    private final class Connection {
        private final Socket client;
        private final Socket server;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void pump(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                // Reads even while black-holed, and holds what it read: so held() counts the first bytes sent
                // during a black-hole whenever they come, also when this thread got here after it began.
                while (!closed) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    if (blackHoled) {
                        held.addAndGet(n);
                        boolean open = awaitForwarding();
                        held.addAndGet(-n);
                        if (!open) {
                            break;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // Reset or closed by cutAll(): the connection is over.
            } catch (IOException e) {
                // As above: any I/O error ends this connection, which is what the client should see.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close();
            }
        }

        void close() {
            connections.remove(this);
            closeQuietly(client);
            closeQuietly(server);
        }
    }
}
