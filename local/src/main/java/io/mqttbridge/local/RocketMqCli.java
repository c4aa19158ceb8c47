package io.mqttbridge.local;

import io.mqttbridge.rocketmq.RocketMqClientShutdown;

import org.apache.flink.annotation.Internal;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code local/rocketmq-client}: send a message to, or read a topic of, the local stack's RocketMQ
 * (or any name server), so the demo's command and will routes can be tried without RocketMQ's own
 * tools. {@code send TOPIC BODY} prints the message id; {@code read TOPIC} prints every message from
 * the topic's first one (tag, keys, user properties, body) and stops after {@code --count} messages or
 * when nothing more arrives for {@code --idle} seconds.
 */
@Internal
public final class RocketMqCli {

    static final String USAGE = String.join("\n",
            "Usage: local/rocketmq-client send TOPIC BODY [--tag TAG] [--keys KEYS] [--property NAME=VALUE]... [--name-server HOST:PORT]",
            "       local/rocketmq-client read TOPIC [--count N] [--idle SECS] [--name-server HOST:PORT]",
            "",
            "The name server defaults to ROCKETMQ_NAMESRV, else 127.0.0.1:9876 (./run-local's default).");

    private RocketMqCli() {}

    public static void main(String[] args) {
        // RocketMQ's client logs under ~/logs/rocketmqlogs unless told otherwise.
        System.setProperty("rocketmq.log.root", System.getProperty("java.io.tmpdir") + "/mqtt-bridge-rocketmq-client-logs");
        try {
            System.exit(run(args, System.getenv("ROCKETMQ_NAMESRV"), System.out));
        } catch (IllegalArgumentException e) {
            System.err.println("rocketmq-client: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (Exception e) {
            System.err.println("rocketmq-client: " + e);
            System.exit(1);
        }
    }

    /** Runs one command; returns the exit code. */
    static int run(String[] args, String envNameServer, PrintStream out) throws Exception {
        Deque<String> rest = new ArrayDeque<>(List.of(args));
        String command = rest.poll();
        String topic = rest.poll();
        if (command == null || topic == null || topic.startsWith("--")) {
            throw new IllegalArgumentException("a command (send or read) and a topic are needed");
        }
        String body = "send".equals(command) ? rest.poll() : null;
        if ("send".equals(command) && (body == null || body.startsWith("--"))) {
            throw new IllegalArgumentException("send needs a message body after the topic");
        }
        String nameServer = envNameServer != null && !envNameServer.isBlank() ? envNameServer : "127.0.0.1:9876";
        String tag = null;
        String keys = null;
        Map<String, String> properties = new TreeMap<>();
        int count = Integer.MAX_VALUE;
        int idleSeconds = 5;
        while (!rest.isEmpty()) {
            String option = rest.poll();
            String value = rest.poll();
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            switch (option) {
                case "--name-server" -> nameServer = value;
                case "--tag" -> tag = value;
                case "--keys" -> keys = value;
                case "--property" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--property must look like NAME=VALUE, got '" + value + "'");
                    }
                    properties.put(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--count" -> count = positive(option, value);
                case "--idle" -> idleSeconds = positive(option, value);
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        switch (command) {
            case "send":
                out.println(send(nameServer, topic, body, tag, keys, properties));
                return 0;
            case "read":
                read(nameServer, topic, count, idleSeconds, out);
                return 0;
            default:
                throw new IllegalArgumentException("unknown command '" + command + "' (send or read)");
        }
    }

    private static String send(String nameServer, String topic, String body, String tag, String keys, Map<String, String> properties)
            throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("rocketmq-client-" + UUID.randomUUID());
        producer.setNamesrvAddr(nameServer);
        producer.setInstanceName(producer.getProducerGroup());
        producer.start();
        try {
            Message message = new Message(topic, body.getBytes(StandardCharsets.UTF_8));
            if (tag != null) {
                message.setTags(tag);
            }
            if (keys != null) {
                message.setKeys(keys);
            }
            properties.forEach(message::putUserProperty);
            SendResult result = producer.send(message);
            return result.getSendStatus() + " msg-id=" + result.getMsgId();
        } finally {
            RocketMqClientShutdown.shutdown(producer);
        }
    }

    private static void read(String nameServer, String topic, int count, int idleSeconds, PrintStream out) throws Exception {
        // A fresh group each time, from the first offset: reading changes nothing a route relies on.
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("rocketmq-client-" + UUID.randomUUID());
        consumer.setNamesrvAddr(nameServer);
        consumer.setInstanceName(consumer.getConsumerGroup());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setAutoCommit(false);
        consumer.subscribe(topic, "*");
        consumer.start();
        try {
            int printed = 0;
            long idleSince = System.nanoTime();
            while (printed < count && System.nanoTime() - idleSince < idleSeconds * 1_000_000_000L) {
                for (MessageExt m : consumer.poll(500)) {
                    if (printed++ >= count) {
                        break;
                    }
                    idleSince = System.nanoTime();
                    out.println(describe(m));
                }
            }
        } finally {
            RocketMqClientShutdown.shutdown(consumer);
        }
    }

    /** One message: a header line, then the body. */
    static String describe(MessageExt m) {
        Map<String, String> user = new TreeMap<>(m.getProperties());
        // RocketMQ's own fields share the map: show the user properties only.
        user.keySet().removeIf(MessageConst.STRING_HASH_SET::contains);
        return "topic=" + m.getTopic() + " queue=" + m.getQueueId() + " offset=" + m.getQueueOffset()
                + " tag=" + m.getTags() + " keys=" + m.getKeys() + " properties=" + user + "\n"
                + new String(m.getBody(), StandardCharsets.UTF_8);
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a whole number from 1, got '" + value + "'");
    }
}
