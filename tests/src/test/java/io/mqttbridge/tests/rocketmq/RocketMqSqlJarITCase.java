package io.mqttbridge.tests.rocketmq;

import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.embedded.RepositoryRoot;

import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RocketMQ client inside {@code mqtt-bridge-sql-connector-rocketmq.jar}, with its libraries
 * relocated and the unused ones left out, still talks to a broker: loaded alone in a class loader of
 * its own (nothing of this JVM's classpath visible), it sends a message that the broker stores.
 * ShadedJarTest checks the jar's contents; this checks that the shading left a working client.
 */
class RocketMqSqlJarITCase {

    @Test
    void theRelocatedClientOfTheSqlJarSendsToABroker(@TempDir Path tmp) throws Exception {
        Path jar = RepositoryRoot.resolve("connectors/rocketmq/target/mqtt-bridge-sql-connector-rocketmq.jar");
        assertThat(jar).as("built by `mvn -pl tests -am verify` (package phase)").isRegularFile();
        try (EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(tmp.resolve("rocketmq"), 0, false);
                URLClassLoader isolated = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            rocketMq.createTopic("sql-jar", 1);
            // As Flink runs user code: with the jar's class loader as the context class loader (RocketMQ's
            // logging finds its provider through it; this JVM has the same class names unrelocated).
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(isolated);
            try {
                send(isolated, rocketMq.nameServer());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
            List<MessageExt> stored = rocketMq.messages("sql-jar");
            assertThat(stored).hasSize(1);
            assertThat(new String(stored.get(0).getBody(), StandardCharsets.UTF_8)).isEqualTo("from the SQL jar");
            assertThat(stored.get(0).getTags()).isEqualTo("probe");
        }
    }

    /** Sends one message with the jar's DefaultMQProducer, through reflection (its classes are not ours). */
    private static void send(URLClassLoader isolated, String nameServer) throws Exception {
        Class<?> producerType = isolated.loadClass("org.apache.rocketmq.client.producer.DefaultMQProducer");
        assertThat(producerType.getClassLoader()).isSameAs(isolated);
        Class<?> messageType = isolated.loadClass("org.apache.rocketmq.common.message.Message");
        Object producer = producerType.getConstructor(String.class).newInstance("sql-jar-test");
        producerType.getMethod("setNamesrvAddr", String.class).invoke(producer, nameServer);
        producerType.getMethod("setInstanceName", String.class).invoke(producer, "sql-jar-test");
        producerType.getMethod("start").invoke(producer);
        try {
            Object message = messageType.getConstructor(String.class, String.class, byte[].class)
                    .newInstance("sql-jar", "probe", "from the SQL jar".getBytes(StandardCharsets.UTF_8));
            Object result = producerType.getMethod("send", messageType).invoke(producer, message);
            assertThat(result.getClass().getMethod("getSendStatus").invoke(result)).hasToString("SEND_OK");
            // The remoting layer ran on the relocated netty and fastjson of the jar.
            assertThat(isolated.loadClass("io.mqttbridge.rocketmq.shaded.io.netty.channel.Channel").getClassLoader())
                    .isSameAs(isolated);
        } finally {
            producerType.getMethod("shutdown").invoke(producer);
        }
    }
}
