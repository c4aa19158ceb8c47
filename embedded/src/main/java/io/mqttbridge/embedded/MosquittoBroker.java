package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto process on loopback, for tests: {@code /usr/sbin/mosquitto -c <generated conf>} on a
 * free (or given) port, configured for ack-on-checkpoint consumers - no limit on in-flight messages
 * (the client's Receive Maximum applies), a per-client queue of {@link #MAX_QUEUED_MESSAGES} instead
 * of 1000 (the rest would be discarded; a parameter of {@code start}), persistence off (on with {@link
 * #persistence(Path)} as extra config), anonymous access. Its log is {@code <folder>/mosquitto-<port>.log}.
 */
@PublicEvolving
public final class MosquittoBroker extends LoopbackBroker {

    public static final String BINARY = "/usr/sbin/mosquitto";

    /** Messages queued per client beyond the in-flight window before Mosquitto discards. */
    public static final int MAX_QUEUED_MESSAGES = 1_000_000;

    /** Mosquitto's own default of {@code max_queued_messages}: what a stock installation keeps per client. */
    public static final int STOCK_MAX_QUEUED_MESSAGES = 1000;

    private static final long START_TIMEOUT_MS = 10_000;

    private final Process process;

    private MosquittoBroker(int port, Path folder, Process process) {
        super(port, folder);
        this.process = process;
    }

    /** Starts Mosquitto on a free loopback port; config and log go to {@code folder}. */
    public static MosquittoBroker start(Path folder) throws IOException {
        return start(FreePorts.pick(), folder);
    }

    /** Starts Mosquitto on 127.0.0.1:{@code port} and waits until the port accepts connections. */
    public static MosquittoBroker start(int port, Path folder) throws IOException {
        return start(port, folder, "");
    }

    /**
     * As {@link #start(int, Path)}, with {@code extraConfig} (mosquitto.conf lines) appended, e.g.
     * {@code certfile}/{@code keyfile} for a TLS listener or {@code password_file} with
     * {@code allow_anonymous false}; a later line overrides an earlier one.
     */
    public static MosquittoBroker start(int port, Path folder, String extraConfig) throws IOException {
        return start(port, folder, extraConfig, MAX_QUEUED_MESSAGES);
    }

    /**
     * As {@link #start(int, Path, String)}, keeping at most {@code maxQueuedMessages} QoS 1/2 messages
     * per client ({@link #STOCK_MAX_QUEUED_MESSAGES} = a stock Mosquitto) and discarding the rest.
     */
    public static MosquittoBroker start(int port, Path folder, String extraConfig, int maxQueuedMessages)
            throws IOException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IOException(
                    "Mosquitto is not installed (" + BINARY + " missing): run 'sudo apt-get install -y mosquitto'");
        }
        Files.createDirectories(folder);
        Path config = folder.resolve("mosquitto-" + port + ".conf");
        Path log = folder.resolve("mosquitto-" + port + ".log");
        Files.writeString(config, configText(port, maxQueuedMessages) + extraConfig + "\n", StandardCharsets.UTF_8);
        Process process =
                new ProcessBuilder(BINARY, "-c", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IOException(
                        "Mosquitto exited with code " + process.exitValue() + " on port " + port + "; see " + log
                                + ":\n" + tail(log));
            }
            if (System.currentTimeMillis() > deadline) {
                process.destroyForcibly();
                throw new IOException("Mosquitto did not accept connections on 127.0.0.1:" + port + " within "
                        + START_TIMEOUT_MS + " ms; see " + log + ":\n" + tail(log));
            }
            sleep(50);
        }
        return new MosquittoBroker(port, folder, process);
    }

    /**
     * Extra config lines that turn persistence on, its database in {@code folder}: Mosquitto writes
     * sessions, subscriptions and queued or unacknowledged messages there when it stops (SIGTERM, as
     * {@link #close()} sends) and reads them back when started again with the same folder.
     */
    public static String persistence(Path folder) {
        // Started as root, Mosquitto drops to the user 'mosquitto', which cannot write the test's
        // folder ("Error saving in-memory database ... Permission denied"): stay the current user.
        return "persistence true\npersistence_location " + folder.toAbsolutePath() + "/\n"
                + "user " + System.getProperty("user.name") + "\n";
    }

    private static String configText(int port, int maxQueuedMessages) {
        return "listener " + port + " 127.0.0.1\n"
                + "allow_anonymous true\n"
                + "persistence false\n"
                // 0 = no broker-side limit: the client's Receive Maximum bounds unacknowledged messages.
                + "max_inflight_messages 0\n"
                + "max_queued_messages " + maxQueuedMessages + "\n"
                + "max_queued_bytes 0\n"
                + "log_dest stdout\n"
                + "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
                + "connection_messages true\n";
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for Mosquitto to start", e);
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits until the port is released. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
