package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.broker.BrokerPathConfigHelper;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.ServiceThread;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.store.GetMessageResult;
import org.apache.rocketmq.store.MessageStore;
import org.apache.rocketmq.store.config.MessageStoreConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A RocketMQ name server and one broker (master, file store) in this JVM, on 127.0.0.1, for the
 * tests and the local stack. It runs RocketMQ's own {@link NamesrvController} and {@link
 * BrokerController}, so clients see a real cluster.
 *
 * <p>Ports: the name server's, the broker's listen port, listen port − 2 (the broker's "fast
 * remoting" server, always bound next to the listen port) and the HA port are picked once at start
 * and kept, so {@link #stopBroker()} / {@link #startBroker()} and {@link #stopNameServer()} /
 * {@link #startNameServer()} bring the servers back where clients look. Every file RocketMQ writes
 * (store, broker and name-server configuration that default to {@code user.home}) goes under the
 * data folder. Stopping the broker takes about 3 s (RocketMQ's message store waits that long for
 * writes in flight); the waits it is spared are described at {@code eventThreadsNotJoinedOnShutdown}.
 */
@PublicEvolving
public final class EmbeddedRocketMq implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRocketMq.class);

    /** The broker name clients see in routes and message ids. */
    public static final String BROKER_NAME = "embedded-broker";
    public static final String CLUSTER_NAME = "DefaultCluster";

    /** The system property by which RocketMQ's shaded logback finds its configuration. */
    private static final String LOGBACK_CONFIGURATION = "rmq.logback.configurationFile";
    /** Read by mqtt-bridge-rocketmq-logback.xml. */
    private static final String LOG_FILE_PROPERTY = "mqttbridge.rocketmq.log-file";

    private static final long ROUTE_TIMEOUT_SECONDS = 30;
    /** Starts on fresh ports after losing a port to another binder; see {@link #start(Path, int, boolean, String[], IntSupplier)}. */
    private static final int PORT_ATTEMPTS = 3;
    private static final long NAME_SERVER_CONNECT_SECONDS = 10;
    private static final long SEND_QUEUE_WAIT_MILLIS = 3_000;
    /** Smaller mapped files than RocketMQ's 1 GB default: tests and the demo write little. */
    private static final int COMMIT_LOG_FILE_SIZE = 64 * 1024 * 1024;

    private final Path dataDir;
    private final int nameServerPort;
    private final int brokerPort;
    private final int haPort;
    private final boolean autoCreateTopics;
    /** {accessKey, secretKey} of the one user when ACL is on; null: no authentication. */
    private final String[] credentials;

    private volatile NamesrvController nameServer;
    private volatile BrokerController broker;

    private EmbeddedRocketMq(
            Path dataDir, int nameServerPort, int brokerPort, int haPort, boolean autoCreateTopics, String[] credentials) {
        this.dataDir = dataDir;
        this.credentials = credentials;
        this.nameServerPort = nameServerPort;
        this.brokerPort = brokerPort;
        this.haPort = haPort;
        this.autoCreateTopics = autoCreateTopics;
    }

    /** Starts on free ports with topics created automatically on first send. */
    public static EmbeddedRocketMq start(Path dataDir) throws IOException {
        return start(dataDir, 0, true);
    }

    /**
     * Starts a name server on 127.0.0.1:{@code nameServerPort} ({@code 0}: a free port, read it from
     * {@link #nameServer()}) and a broker on free ports, writing under {@code dataDir} (kept on close,
     * so a later start on the same folder finds its topics and messages). With {@code
     * autoCreateTopics} off, a send to a topic not made with {@link #createTopic} fails, as on a
     * production cluster.
     */
    public static EmbeddedRocketMq start(Path dataDir, int nameServerPort, boolean autoCreateTopics) throws IOException {
        return start(dataDir, nameServerPort, autoCreateTopics, null);
    }

    /**
     * As {@link #start(Path, int, boolean)}, with authentication on the broker: only requests signed
     * with {@code accessKey} / {@code secretKey} (RocketMQ's AclClientRPCHook) are served. The name
     * server stays open, as in RocketMQ's default ACL setup.
     */
    public static EmbeddedRocketMq startWithAcl(Path dataDir, boolean autoCreateTopics, String accessKey, String secretKey)
            throws IOException {
        return start(dataDir, 0, autoCreateTopics, new String[] {accessKey, secretKey});
    }

    private static EmbeddedRocketMq start(Path dataDir, int nameServerPort, boolean autoCreateTopics, String[] credentials)
            throws IOException {
        return start(dataDir, nameServerPort, autoCreateTopics, credentials, FreePorts::pick);
    }

    /** As above, with the source of free ports as a seam: a test hands out a port that is taken. */
    static EmbeddedRocketMq start(
            Path dataDir, int nameServerPort, boolean autoCreateTopics, String[] credentials, IntSupplier freePorts)
            throws IOException {
        if (nameServerPort < 0 || nameServerPort > 65_535) {
            throw new IllegalArgumentException(
                    "RocketMQ name server port must be 0 (free port) or 1..65535, got " + nameServerPort);
        }
        Files.createDirectories(dataDir);
        configureLogging(dataDir);
        // RocketMQ's start scripts set the protocol version; without it requests carry version 0 and
        // the name server takes the broker for a pre-3.0 one whose topic list it ignores (no routes).
        if (System.getProperty(RemotingCommand.REMOTING_VERSION_KEY) == null) {
            System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        }
        // A port picked free is free only until someone binds it: another server of the same test run,
        // or the kernel handing it out as the local port of an outgoing connection (same range). The
        // broker binds three picked ports, so on a busy machine a start now and then loses that race
        // (CI, 2026-12-01); then it starts again on fresh ports.
        for (int attempt = 1; ; attempt++) {
            EmbeddedRocketMq rocketMq =
                    new EmbeddedRocketMq(
                            dataDir.toAbsolutePath(),
                            nameServerPort == 0 ? freePorts.getAsInt() : nameServerPort,
                            pickBrokerPort(freePorts),
                            freePorts.getAsInt(),
                            autoCreateTopics,
                            credentials);
            // A name server port the caller chose that is taken stays taken: another attempt cannot help.
            boolean failedOnPickedPort = nameServerPort == 0;
            try {
                rocketMq.startNameServer();
                failedOnPickedPort = true; // from here on only the broker's picked ports are bound
                rocketMq.startBroker();
                return rocketMq;
            } catch (IOException | RuntimeException e) {
                rocketMq.close();
                if (attempt == PORT_ATTEMPTS || !failedOnPickedPort || !causedByBind(e)) {
                    throw e;
                }
                LOG.warn("RocketMQ did not start on ports picked free ({}); attempt {} of {} on other ports",
                        e.getMessage(), attempt + 1, PORT_ATTEMPTS);
            }
        }
    }

    /** Whether a {@link BindException} is in the chain (this module does not have flink-core's ExceptionUtils). */
    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** {@code 127.0.0.1:port} of the name server: the {@code name-server} option of a route. */
    public String nameServer() {
        return "127.0.0.1:" + nameServerPort;
    }

    /** {@code 127.0.0.1:port} of the broker (what clients are routed to). */
    public String brokerAddress() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Whether a send to an unknown topic creates it. */
    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    /** (Re)starts the name server on its port; the broker registers with it within its heartbeat (≤ 30 s, sooner on a topic change). */
    public synchronized void startNameServer() throws IOException {
        if (nameServer != null) {
            throw new IllegalStateException("The RocketMQ name server is running");
        }
        NamesrvConfig config = new NamesrvConfig();
        Path home = dataDir.resolve("namesrv");
        config.setRocketmqHome(home.toString());
        config.setKvConfigPath(home.resolve("kvConfig.json").toString());
        config.setConfigStorePath(home.resolve("namesrv.properties").toString());
        NettyServerConfig server = new NettyServerConfig();
        server.setBindAddress("127.0.0.1");
        server.setListenPort(nameServerPort);
        NamesrvController controller = new NamesrvController(config, server, new NettyClientConfig());
        try {
            if (!controller.initialize()) {
                throw new IOException("RocketMQ name server did not initialise on " + nameServer());
            }
            eventThreadsNotJoinedOnShutdown(controller.getRemotingServer(), controller.getRemotingClient());
            controller.start();
        } catch (Exception e) {
            controller.shutdown();
            throw startFailure("name server", nameServer(), e);
        }
        nameServer = controller;
    }

    /** Stops the name server as a crash would (clients' connections are refused until {@link #startNameServer()}). */
    public synchronized void stopNameServer() {
        NamesrvController controller = nameServer;
        nameServer = null;
        if (controller != null) {
            controller.shutdown();
        }
    }

    /** (Re)starts the broker on its ports and data folder; it registers with the name server before returning. */
    public synchronized void startBroker() throws IOException {
        if (broker != null) {
            throw new IllegalStateException("The RocketMQ broker is running");
        }
        Path store = dataDir.resolve("store");
        // A static default under user.home; set before the controller reads it.
        BrokerPathConfigHelper.setBrokerConfigPath(store.resolve("config").resolve("broker.properties").toString());

        BrokerConfig config = new BrokerConfig();
        config.setRocketmqHome(dataDir.resolve("broker").toString());
        config.setBrokerName(BROKER_NAME);
        config.setBrokerClusterName(CLUSTER_NAME);
        config.setBrokerIP1("127.0.0.1");
        config.setBrokerIP2("127.0.0.1");
        config.setNamesrvAddr(nameServer());
        config.setListenPort(brokerPort);
        config.setAutoCreateTopicEnable(autoCreateTopics);
        config.setAutoCreateSubscriptionGroup(true);
        config.setFetchNamesrvAddrByAddressServer(false);
        // RocketMQ rejects a send that waited 200 ms in the broker's queue ("broker busy"); on a
        // loaded test machine that is flow control by scheduling, not by load. Wait longer.
        config.setWaitTimeMillsInSendQueue(SEND_QUEUE_WAIT_MILLIS);
        // No client here consumes by POP (the connector pulls); its services cost ~5 s at every
        // shutdown (a fixed 2 s sleep, revive scans that finish their round).
        config.setPopConsumerFSServiceInit(false);

        MessageStoreConfig storeConfig = new MessageStoreConfig();
        storeConfig.setStorePathRootDir(store.toString());
        storeConfig.setStorePathCommitLog(store.resolve("commitlog").toString());
        storeConfig.setStorePathEpochFile(store.resolve("epochFileCheckpoint").toString());
        storeConfig.setStorePathBrokerIdentity(store.resolve("brokerIdentity").toString());
        storeConfig.setHaListenPort(haPort);
        storeConfig.setMappedFileSizeCommitLog(COMMIT_LOG_FILE_SIZE);
        // Disks of development machines are often fuller than RocketMQ's 75 % default allows.
        storeConfig.setDiskMaxUsedSpaceRatio(95);
        storeConfig.setOsPageCacheBusyTimeOutMills(SEND_QUEUE_WAIT_MILLIS);
        // No timer messages here (a delivery time per message); the timer store's flush thread compares its
        // whole wheel file (7 days of slots, ~38 MB) byte by byte every second: 6 % of the local stack's CPU.
        storeConfig.setTimerWheelEnable(false);

        NettyServerConfig server = new NettyServerConfig();
        server.setBindAddress("127.0.0.1");
        server.setListenPort(brokerPort);
        BrokerController controller = new BrokerController(config, server, new NettyClientConfig(), storeConfig, authConfig());
        try {
            if (!controller.initialize()) {
                throw new IOException("RocketMQ broker did not initialise on " + brokerAddress());
            }
            eventThreadsNotJoinedOnShutdown(controller.getRemotingServer(), controller.getFastRemotingServer(),
                    controller.getBrokerOuterAPI().getRemotingClient());
            controller.start();
            awaitNameServerConnection(controller);
            // Register once more synchronously, now that the client knows the name server is reachable,
            // so the route is there now.
            controller.registerBrokerAll(true, false, true);
        } catch (Exception e) {
            controller.shutdown();
            throw startFailure("broker", brokerAddress(), e);
        }
        broker = controller;
    }

    /**
     * Waits until the broker's client has connected to the name server. The broker registers only with
     * the name servers its client found reachable, and it looks for them asynchronously after start:
     * a registration right after start often found none and was skipped, so the broker (and every
     * topic created next) was routed only by its first periodic registration, 10 s after start.
     * Bounded, and skipped while the name server is stopped: the periodic registration remains.
     */
    private void awaitNameServerConnection(BrokerController controller) {
        if (nameServer == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NAME_SERVER_CONNECT_SECONDS);
        while (controller.getBrokerOuterAPI().getRemotingClient().getAvailableNameSrvList().isEmpty()
                && System.nanoTime() < deadline) {
            sleep(10);
        }
    }

    private AuthConfig authConfig() {
        AuthConfig auth = new AuthConfig();
        // RocketMQ caches authentication strategies per JVM by config name: a name per instance, or a
        // broker with ACL would reuse the no-authentication strategy of one started before it.
        auth.setConfigName(BROKER_NAME + "-" + brokerPort);
        auth.setClusterName(CLUSTER_NAME);
        auth.setAuthConfigPath(dataDir.resolve("auth").toString());
        if (credentials != null) {
            auth.setAuthenticationEnabled(true);
            auth.setAuthenticationMetadataProvider(EmbeddedRocketMqUsers.class.getName());
            auth.setInitAuthenticationUser(
                    "{\"username\":\"" + credentials[0] + "\",\"password\":\"" + credentials[1] + "\"}");
            auth.setInnerClientAuthenticationCredentials(
                    "{\"accessKey\":\"" + credentials[0] + "\",\"secretKey\":\"" + credentials[1] + "\"}");
        }
        return auth;
    }

    /**
     * Marks the channel-event thread of each RocketMQ remoting server / client as a daemon before it
     * starts. RocketMQ's shutdown joins every non-daemon service thread, and this one polls its queue
     * for 3 s between checks of its stop flag: each join waited out that poll (~3 s per server, five
     * of them per broker and name server) for a thread that only dispatches connection events.
     * A daemon one is not joined: it ends by itself within its poll after the shutdown. Reflection on
     * RocketMQ 5.x internals; should they change, the shutdown merely takes its old time.
     */
    private static void eventThreadsNotJoinedOnShutdown(Object... remotingEndpoints) {
        for (Object endpoint : remotingEndpoints) {
            if (endpoint instanceof NettyRemotingAbstract) {
                try {
                    Field executorField = NettyRemotingAbstract.class.getDeclaredField("nettyEventExecutor");
                    executorField.setAccessible(true);
                    Object executor = executorField.get(endpoint);
                    Field daemonField = ServiceThread.class.getDeclaredField("isDaemon");
                    daemonField.setAccessible(true);
                    daemonField.setBoolean(executor, true);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.debug("RocketMQ's remoting event thread stays a joined one ({})", e.toString());
                }
            }
        }
    }

    /** Stops the broker as a crash of its process would end it for clients, keeping its data; takes ~3 s. */
    public synchronized void stopBroker() {
        BrokerController controller = broker;
        broker = null;
        if (controller != null) {
            controller.shutdown();
        }
    }

    /**
     * Creates {@code topic} with {@code queues} read and write queues (or updates its queue count)
     * and waits until the name server routes it, so that clients can use it right away.
     */
    public void createTopic(String topic, int queues) {
        if (queues < 1) {
            throw new IllegalArgumentException("A RocketMQ topic needs at least 1 queue, got " + queues);
        }
        BrokerController controller = runningBroker();
        TopicConfig config = new TopicConfig(topic, queues, queues);
        controller.getTopicConfigManager().updateTopicConfig(config);
        // What RocketMQ's admin command does after a topic update: tell the name server at once.
        controller.registerIncrementBrokerData(config, controller.getTopicConfigManager().getDataVersion());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUTE_TIMEOUT_SECONDS);
        while (!routed(topic, queues)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("RocketMQ topic '" + topic + "' was created on broker "
                        + brokerAddress() + " but the name server " + nameServer() + " does not route it after "
                        + ROUTE_TIMEOUT_SECONDS + " s; its route: " + route(topic));
            }
            sleep(20);
        }
    }

    private TopicRouteData route(String topic) {
        NamesrvController controller = nameServer;
        return controller == null ? null : controller.getRouteInfoManager().pickupTopicRouteData(topic);
    }

    private boolean routed(String topic, int queues) {
        TopicRouteData route = route(topic);
        return route != null
                && route.getQueueDatas().stream().anyMatch(q -> q.getWriteQueueNums() == queues)
                && !route.getBrokerDatas().isEmpty();
    }

    /** Whether the broker knows {@code topic}. */
    public boolean hasTopic(String topic) {
        return runningBroker().getTopicConfigManager().selectTopicConfig(topic) != null;
    }

    /** The number of messages stored in all queues of {@code topic} (0 for an unknown topic). */
    public long messageCount(String topic) {
        TopicConfig config = runningBroker().getTopicConfigManager().selectTopicConfig(topic);
        if (config == null) {
            return 0;
        }
        MessageStore store = runningBroker().getMessageStore();
        long count = 0;
        for (int queue = 0; queue < config.getWriteQueueNums(); queue++) {
            count += maxOffset(store, topic, queue) - store.getMinOffsetInQueue(topic, queue);
        }
        return count;
    }

    /**
     * Every message stored in {@code topic}, queue by queue in queue order, read from the broker's
     * store (no consumer group, no offsets committed): what a route wrote, with its properties.
     */
    public List<MessageExt> messages(String topic) {
        List<MessageExt> messages = new ArrayList<>();
        TopicConfig config = runningBroker().getTopicConfigManager().selectTopicConfig(topic);
        if (config == null) {
            return messages;
        }
        MessageStore store = runningBroker().getMessageStore();
        for (int queue = 0; queue < config.getWriteQueueNums(); queue++) {
            long offset = store.getMinOffsetInQueue(topic, queue);
            long end = maxOffset(store, topic, queue);
            while (offset < end) {
                GetMessageResult result = store.getMessage("embedded-reader", topic, queue, offset, 256, null);
                if (result == null || result.getMessageBufferList().isEmpty()) {
                    break;
                }
                try {
                    for (ByteBuffer buffer : result.getMessageBufferList()) {
                        MessageExt message = MessageDecoder.decode(buffer, true, false);
                        if (message != null) {
                            messages.add(message);
                        }
                    }
                } finally {
                    result.release();
                }
                offset = result.getNextBeginOffset();
            }
        }
        return messages;
    }

    /**
     * Waits until {@code topic} holds at least {@code count} messages and returns them all
     * ({@link #messages(String)}); fails after {@code timeoutSeconds} with the count reached.
     */
    public List<MessageExt> awaitMessages(String topic, long count, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long seen;
        while ((seen = messageCount(topic)) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("RocketMQ topic '" + topic + "' holds " + seen + " messages after "
                        + timeoutSeconds + " s, expected at least " + count);
            }
            sleep(50);
        }
        return messages(topic);
    }

    private static long maxOffset(MessageStore store, String topic, int queue) {
        try {
            return store.getMaxOffsetInQueue(topic, queue);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the end offset of " + topic + "/" + queue, e);
        }
    }

    private BrokerController runningBroker() {
        BrokerController controller = broker;
        if (controller == null) {
            throw new IllegalStateException("The RocketMQ broker is stopped");
        }
        return controller;
    }

    @Override
    public void close() {
        try {
            stopBroker();
        } finally {
            stopNameServer();
        }
    }

    /**
     * RocketMQ logs through its own shaded logback, configured by default to write a dozen files
     * under {@code user.home/logs} and to print its status on stdout (where the local stack keeps its
     * READY line). Unless the JVM names another configuration, it gets ours: one file,
     * {@code rocketmq.log} in the data folder of the first instance started in this JVM (RocketMQ
     * reads its configuration once per JVM).
     */
    private static void configureLogging(Path dataDir) {
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOG_FILE_PROPERTY, dataDir.toAbsolutePath().resolve("rocketmq.log").toString());
            System.setProperty(LOGBACK_CONFIGURATION, "mqtt-bridge-rocketmq-logback.xml");
        }
    }

    /** A listen port whose neighbour port − 2 is free too: the broker binds both. */
    private static int pickBrokerPort(IntSupplier freePorts) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePorts.getAsInt();
            if (port > 1026 && free(port - 2)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("No free pair of ports p, p-2 on 127.0.0.1 for the RocketMQ broker"));
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static IOException startFailure(String what, String address, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return e instanceof IOException && e.getMessage() != null && e.getMessage().contains(address)
                ? (IOException) e
                : new IOException("RocketMQ " + what + " did not start on " + address + ": " + e, e);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for RocketMQ", e);
        }
    }
}
