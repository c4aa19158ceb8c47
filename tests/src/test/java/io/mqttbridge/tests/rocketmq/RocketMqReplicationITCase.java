package io.mqttbridge.tests.rocketmq;

import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.embedded.RepositoryRoot;
import io.mqttbridge.tests.support.RouteJob;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sql/rocketmq-replication.sql} between two RocketMQ clusters (two embedded name servers and
 * brokers): a numbered sequence in the source topic, written partly before the route starts and
 * partly while it runs, is copied completely into the target cluster's topic, with bodies, tags, keys
 * and user properties unchanged and the source message id added.
 */
class RocketMqReplicationITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final long BEFORE = 300;
    private static final long COUNT = 600;

    @Test
    void aNumberedSequenceIsCopiedCompletelyToTheOtherCluster(@TempDir Path tmp) throws Exception {
        try (EmbeddedRocketMq source = EmbeddedRocketMq.start(tmp.resolve("source"), 0, false);
                EmbeddedRocketMq target = EmbeddedRocketMq.start(tmp.resolve("target"), 0, false)) {
            source.createTopic("orders", 4);
            target.createTopic("orders-replica", 2);
            Map<String, String> msgIds = new HashMap<>(); // number -> source message id
            RocketMqClients.Producer producer = RocketMqClients.producer(source.nameServer());
            for (long n = 1; n <= BEFORE; n++) {
                send(producer, n, msgIds);
            }
            Map<String, String> env = Map.of(
                    "ROCKETMQ_NAMESRV", source.nameServer(),
                    "ROCKETMQ_TARGET_NAMESRV", target.nameServer(),
                    "REPLICATION_SOURCE_TOPIC", "orders",
                    "REPLICATION_TARGET_TOPIC", "orders-replica");
            try (RouteJob job = RouteJob.submit(RepositoryRoot.resolve("sql/rocketmq-replication.sql"), env, new Configuration())) {
                for (long n = BEFORE + 1; n <= COUNT; n++) {
                    send(producer, n, msgIds);
                }
                producer.close();
                List<MessageExt> copies = RocketMqClients.readUntil(target.nameServer(), "orders-replica",
                        read -> numbers(read).size() == COUNT, Duration.ofSeconds(120),
                        "every number 1.." + COUNT, job::assertRunning);
                assertThat(numbers(copies)).containsExactlyElementsOf(
                        LongStream.rangeClosed(1, COUNT).boxed().collect(Collectors.toList()));
                for (MessageExt copy : copies) {
                    String n = RocketMqClients.body(copy);
                    assertThat(copy.getTags()).isEqualTo(Long.parseLong(n) % 2 == 0 ? "even" : "odd");
                    assertThat(copy.getKeys()).isEqualTo("order-" + n);
                    assertThat(copy.getUserProperty("origin")).isEqualTo("shop-" + (Long.parseLong(n) % 3));
                    assertThat(copy.getUserProperty("replica-source-msg-id")).isEqualTo(msgIds.get(n));
                    assertThat(copy.getUserProperty("replica-source-store-time")).isNotBlank();
                }
                // Nothing written to the source cluster's side but the originals.
                assertThat(source.messageCount("orders")).isEqualTo(COUNT);
                job.assertRunning();
            }
        }
    }

    private static void send(RocketMqClients.Producer producer, long n, Map<String, String> msgIds) throws Exception {
        String body = Long.toString(n);
        msgIds.put(body, producer.send("orders", n % 2 == 0 ? "even" : "odd", "order-" + n, body, Map.of("origin", "shop-" + (n % 3))));
    }

    private static Set<Long> numbers(List<MessageExt> messages) {
        return messages.stream().map(m -> Long.parseLong(RocketMqClients.body(m))).collect(Collectors.toCollection(TreeSet::new));
    }
}
