package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.MqttTestPublisher;
import io.mqttbridge.routes.RoutesFile;
import io.mqttbridge.routes.RoutesRunner;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Throughput of the RocketMQ routes, each against the program a user would write instead, in the
 * same run on the same in-process servers (embedded HiveMQ CE, embedded RocketMQ 5, a Flink
 * MiniCluster with 200 ms checkpoints):
 *
 * <ul>
 *   <li>MQTT → RocketMQ: an {@code mqtt} table (shared subscription, 4 subscribers, QoS 1, acks on
 *       checkpoint) into a {@code rocketmq} table, against MQTT subscribers that send each message
 *       with {@code DefaultMQProducer} (asynchronously, acknowledged to MQTT in the send callback).
 *       A publisher sends a numbered sequence as fast as the broker's window allows; the count is
 *       read from the RocketMQ broker's store.
 *   <li>RocketMQ → MQTT: a {@code rocketmq} table (earliest) into an {@code mqtt} table (QoS 1),
 *       against a {@code DefaultLitePullConsumer} that publishes each message with QoS 1. The
 *       numbered sequence is stored in RocketMQ beforehand, so both drain the same backlog; the
 *       count is taken by a persistent-session QoS 1 subscriber.
 * </ul>
 *
 * The rate is the number of messages between the first and the last arrival at the target,
 * divided by that time, so job start-up is not in it. Each contender's target holds every number
 * (verified); duplicates are counted and reported. Not part of {@code ./test}; run with
 *
 * <pre>
 * java -cp ... io.mqttbridge.tests.benchmarks.RocketMqRouteBenchmark [messages]
 * </pre>
 */
public final class RocketMqRouteBenchmark {

    private static final int SUBSCRIBERS = 4;
    private static final int QUEUES = 4;

    private RocketMqRouteBenchmark() {}

    /** One contender's result: rate and what the target holds. */
    record Result(String what, long expected, long received, long distinct, double seconds) {
        double rate() {
            return (received - 1) / seconds;
        }

        long missing() {
            return expected - distinct;
        }

        long duplicates() {
            return received - distinct;
        }
    }

    public static void main(String[] args) throws Exception {
        BenchmarkSuite.logToFile("rocketmq-benchmark");
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path work = Files.createDirectories(Path.of("tests/target/rocketmq-benchmark").toAbsolutePath());
        try (EmbeddedHiveMq mqtt = EmbeddedHiveMq.start(FreePorts.pick(), Files.createTempDirectory(work, "hivemq"));
                EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(Files.createTempDirectory(work, "rocketmq"), 0, false)) {
            for (String topic : new String[] {"bench_route", "bench_hand", "bench_commands"}) {
                rocketMq.createTopic(topic, QUEUES);
            }
            System.out.printf(Locale.ROOT, "RocketMQ route throughput, %d messages per run, load average %.1f%n",
                    messages, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            Result toRocketRoute = mqttToRocketMqRoute(mqtt, rocketMq, messages);
            Result toRocketHand = mqttToRocketMqHandWritten(mqtt, rocketMq, messages);
            preload(rocketMq, "bench_commands", messages);
            Result toMqttRoute = rocketMqToMqttRoute(mqtt, rocketMq, messages);
            Result toMqttHand = rocketMqToMqttHandWritten(mqtt, rocketMq, messages);

            System.out.println("| direction | contender | messages | seconds | messages/s | missing | duplicates | ratio route / hand-written |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
            print("MQTT → RocketMQ", toRocketRoute, toRocketHand);
            print("RocketMQ → MQTT", toMqttRoute, toMqttHand);
        }
        System.exit(0); // RocketMQ client threads are not all daemons
    }

    private static void print(String direction, Result route, Result hand) {
        for (Result r : List.of(route, hand)) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.2f | %.0f | %d | %d | %s |%n", direction, r.what, r.received,
                    r.seconds, r.rate(), r.missing(), r.duplicates(),
                    r == route ? String.format(Locale.ROOT, "%.2f", route.rate() / hand.rate()) : "");
        }
    }

    // ---- MQTT -> RocketMQ ----

    static Result mqttToRocketMqRoute(EmbeddedHiveMq mqtt, EmbeddedRocketMq rocketMq, int messages) throws Exception {
        String routes = String.join("\n",
                "CREATE TABLE readings (payload STRING) WITH ('connector' = 'mqtt', 'server-uri' = '" + mqtt.serverUri() + "',",
                "  'topic-filter' = 'bench/route/+', 'shared-group' = 'bench-route', 'subscribers' = '" + SUBSCRIBERS + "',",
                "  'client-id-prefix' = 'bench-route', 'qos' = '1', 'format' = 'raw');",
                "CREATE TABLE to_rocketmq (payload STRING) WITH ('connector' = 'rocketmq', 'name-server' = '"
                        + rocketMq.nameServer() + "',",
                "  'topic' = 'bench_route', 'producer-group' = 'bench-route', 'format' = 'raw');",
                "INSERT INTO to_rocketmq SELECT payload FROM readings;");
        JobClient job = start(routes);
        try {
            return publishAndCount("route (mqtt → rocketmq tables)", mqtt, "bench/route/", messages,
                    () -> rocketMq.messageCount("bench_route"), () -> numbers(rocketMq.messages("bench_route")));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /** MQTT subscribers whose callbacks send to RocketMQ and acknowledge to MQTT in the send callback. */
    static Result mqttToRocketMqHandWritten(EmbeddedHiveMq mqtt, EmbeddedRocketMq rocketMq, int messages) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("bench-hand");
        producer.setNamesrvAddr(rocketMq.nameServer());
        producer.setInstanceName("bench-hand");
        producer.start();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (SharedSubscribers subscribers = SharedSubscribers.connect(mqtt.serverUri(), "bench-hand", "bench/hand/+", SUBSCRIBERS, true,
                message -> {
                    try {
                        producer.send(new Message("bench_hand", message.getPayloadAsBytes()), new SendCallback() {
                            @Override
                            public void onSuccess(SendResult result) {
                                message.acknowledge();
                            }

                            @Override
                            public void onException(Throwable e) {
                                failure.compareAndSet(null, e); // not acknowledged: the broker redelivers it
                            }
                        });
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                })) {
            Result result = publishAndCount("hand-written (subscriber → DefaultMQProducer async)", mqtt, "bench/hand/", messages,
                    () -> rocketMq.messageCount("bench_hand"), () -> numbers(rocketMq.messages("bench_hand")));
            if (failure.get() != null) {
                System.out.println("hand-written producer: a send failed: " + failure.get());
            }
            return result;
        } finally {
            producer.shutdown();
        }
    }

    /**
     * Publishes warm-up messages until one arrives (the subscriptions are up), then the numbers
     * 0..messages-1, and waits until the target holds them all.
     */
    private static Result publishAndCount(String what, EmbeddedHiveMq mqtt, String topicPrefix, int messages, LongSupplier arrived,
            java.util.function.Supplier<Map<Long, Integer>> read) throws Exception {
        try (MqttTestPublisher publisher = MqttTestPublisher.connect(mqtt.serverUri(), "bench-publisher-" + topicPrefix.hashCode())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (arrived.getAsLong() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": no warm-up message arrived within 120 s");
                }
                publisher.publish(topicPrefix + "warmup", "warmup", 1);
                Thread.sleep(500);
            }
            Thread.sleep(1000);
            long base = arrived.getAsLong();
            Thread sender = new Thread(() -> publisher.publishNumbered(topicPrefix + "d", 0, messages - 1, Long::toString), "bench-sender");
            sender.start();
            Timing timing = Timing.await(what, () -> arrived.getAsLong() - base, messages);
            sender.join();
            Map<Long, Integer> counts = read.get();
            return result(what, messages, counts, timing);
        }
    }

    // ---- RocketMQ -> MQTT ----

    static Result rocketMqToMqttRoute(EmbeddedHiveMq mqtt, EmbeddedRocketMq rocketMq, int messages) throws Exception {
        try (CountingSubscriber target = CountingSubscriber.connect(mqtt.serverUri(), "bench-target-route", "devices/route/commands")) {
            String routes = String.join("\n",
                    "CREATE TABLE commands (payload STRING) WITH ('connector' = 'rocketmq', 'name-server' = '"
                            + rocketMq.nameServer() + "',",
                    "  'topic' = 'bench_commands', 'consumer-group' = 'bench-route', 'startup-mode' = 'earliest', 'format' = 'raw');",
                    "CREATE TABLE to_devices (payload STRING) WITH ('connector' = 'mqtt', 'server-uri' = '" + mqtt.serverUri() + "',",
                    "  'topic' = 'devices/route/commands', 'qos' = '1', 'client-id-prefix' = 'bench-sink', 'format' = 'raw');",
                    "INSERT INTO to_devices SELECT payload FROM commands;");
            JobClient job = start(routes);
            try {
                Timing timing = Timing.await("route (rocketmq → mqtt tables)", target.count::get, messages);
                return result("route (rocketmq → mqtt tables)", messages, target.numbers, timing);
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** A lite pull consumer whose loop publishes each message with QoS 1 and keeps at most the client's window open. */
    static Result rocketMqToMqttHandWritten(EmbeddedHiveMq mqtt, EmbeddedRocketMq rocketMq, int messages) throws Exception {
        String what = "hand-written (DefaultLitePullConsumer → MQTT QoS 1)";
        try (CountingSubscriber target = CountingSubscriber.connect(mqtt.serverUri(), "bench-target-hand", "devices/hand/commands");
                MqttTestPublisher publisher = MqttTestPublisher.connect(mqtt.serverUri(), "bench-hand-publisher")) {
            DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("bench-hand");
            consumer.setNamesrvAddr(rocketMq.nameServer());
            consumer.setInstanceName("bench-hand-consumer");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.setPullBatchSize(256);
            consumer.subscribe("bench_commands", "*");
            consumer.start();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread loop = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted() && target.count.get() < messages) {
                    for (MessageExt m : consumer.poll(200)) {
                        publisher.publishAsync(Mqtt5Publish.builder().topic("devices/hand/commands").qos(MqttQos.AT_LEAST_ONCE)
                                        .payload(m.getBody()).build())
                                .exceptionally(e -> {
                                    failure.compareAndSet(null, e);
                                    return null;
                                });
                    }
                }
            }, "bench-hand-loop");
            loop.start();
            try {
                Timing timing = Timing.await(what, target.count::get, messages);
                if (failure.get() != null) {
                    System.out.println("hand-written publisher: a publish failed: " + failure.get());
                }
                return result(what, messages, target.numbers, timing);
            } finally {
                loop.interrupt();
                loop.join(10_000);
                consumer.shutdown();
            }
        }
    }

    private static void preload(EmbeddedRocketMq rocketMq, String topic, int messages) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("bench-preload");
        producer.setNamesrvAddr(rocketMq.nameServer());
        producer.setInstanceName("bench-preload");
        producer.start();
        try {
            for (int i = 0; i < messages; i += 100) {
                List<Message> batch = new java.util.ArrayList<>();
                for (int n = i; n < Math.min(messages, i + 100); n++) {
                    batch.add(new Message(topic, Long.toString(n).getBytes(StandardCharsets.UTF_8)));
                }
                producer.send(batch);
            }
        } finally {
            producer.shutdown();
        }
        if (rocketMq.messageCount(topic) != messages) {
            throw new IllegalStateException("preloading " + topic + " stored " + rocketMq.messageCount(topic) + " of " + messages);
        }
    }

    // ---- shared ----

    private static JobClient start(String routesSql) throws Exception {
        Path file = Files.createTempFile("bench-routes", ".sql");
        Files.writeString(file, routesSql);
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "200 ms");
        conf.setString("taskmanager.numberOfTaskSlots", "4");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        return RoutesRunner.execute(env, RoutesFile.load(file, Map.of())).getJobClient().orElseThrow();
    }

    private static Map<Long, Integer> numbers(List<MessageExt> stored) {
        Map<Long, Integer> counts = new ConcurrentHashMap<>();
        for (MessageExt m : stored) {
            String body = new String(m.getBody(), StandardCharsets.UTF_8);
            if (!body.equals("warmup")) {
                counts.merge(Long.parseLong(body), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static Result result(String what, int expected, Map<Long, Integer> counts, Timing timing) {
        long received = counts.values().stream().mapToLong(Integer::longValue).sum();
        Set<Long> missing = new HashSet<>();
        for (long n = 0; n < expected; n++) {
            if (!counts.containsKey(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            System.out.println(what + ": MISSING " + missing.size() + " numbers, e.g. " + missing.stream().limit(10).toList());
        }
        return new Result(what, expected, received, counts.size(), timing.seconds());
    }

    /** First and last arrival at the target. */
    private record Timing(long firstNanos, long lastNanos) {
        double seconds() {
            return (lastNanos - firstNanos) / 1e9;
        }

        static Timing await(String what, LongSupplier arrived, long expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long first = 0;
            while (arrived.getAsLong() < expected) {
                if (first == 0 && arrived.getAsLong() > 0) {
                    first = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": " + arrived.getAsLong() + " of " + expected + " arrived within 10 min");
                }
                Thread.sleep(5);
            }
            long last = System.nanoTime();
            return new Timing(first == 0 ? last - 1 : first, last);
        }
    }

    /** A persistent-session QoS 1 subscriber that counts every number it receives. */
    private static final class CountingSubscriber implements AutoCloseable {
        final AtomicLong count = new AtomicLong();
        final Map<Long, Integer> numbers = new ConcurrentHashMap<>();
        private final Mqtt5AsyncClient client;

        private CountingSubscriber(Mqtt5AsyncClient client) {
            this.client = client;
        }

        static CountingSubscriber connect(String serverUri, String clientId, String topic) throws Exception {
            Mqtt5AsyncClient client = MqttTestPublisher.clientBuilder(serverUri, clientId).buildAsync();
            CountingSubscriber subscriber = new CountingSubscriber(client);
            client.connectWith().cleanStart(true).sessionExpiryInterval(600).restrictions().receiveMaximum(65_535).applyRestrictions()
                    .send().get(60, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).callback(m -> {
                subscriber.numbers.merge(Long.parseLong(new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8)), 1, Integer::sum);
                subscriber.count.incrementAndGet();
            }).send().get(60, TimeUnit.SECONDS);
            return subscriber;
        }

        @Override
        public void close() {
            client.disconnect();
        }
    }
}
