package io.mqttbridge.rocketmq.source.reader;

import io.mqttbridge.rocketmq.RocketMqClientProperties;
import io.mqttbridge.rocketmq.RocketMqClientShutdown;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullCallback;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.RPCHook;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@link QueueClient} on RocketMQ's {@code DefaultMQPullConsumer}. Of the remoting client's consumers
 * it is the one that pulls exactly the offset it is asked for: the lite pull consumer prefetches in
 * its own threads from a position of its own (the group offset) and a {@code seek} races with a pull
 * already under way, so a restore could see messages from before the checkpointed offset. The class
 * is deprecated in 5.x in favour of that consumer, but it is still shipped, and it speaks the
 * protocol of 4.x and 5.x brokers.
 *
 * <p>Every instance gets its own instance name: RocketMQ shares one client per instance name in a
 * JVM and refuses a second consumer of the same group in it, which is what several subtasks of one
 * TaskManager (or a MiniCluster) would otherwise be.
 */
@Internal
@SuppressWarnings("deprecation") // DefaultMQPullConsumer, on purpose: see above
public final class PullConsumerQueueClient implements QueueClient {

    private final DefaultMQPullConsumer consumer;

    private PullConsumerQueueClient(DefaultMQPullConsumer consumer) {
        this.consumer = consumer;
    }

    /** A started client; {@code role} names it in RocketMQ's logs and consumer lists. */
    public static PullConsumerQueueClient start(RocketMqSourceConfig config, String role) throws MQClientException {
        RPCHook acl = config.accessKey() == null
                ? null
                : new AclClientRPCHook(new SessionCredentials(config.accessKey(), config.secretKey()));
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer(config.consumerGroup(), acl);
        consumer.setNamesrvAddr(config.nameServer());
        consumer.setInstanceName("flink-" + role + "-" + UUID.randomUUID());
        RocketMqClientProperties.apply(consumer, config.clientProperties());
        consumer.start();
        return new PullConsumerQueueClient(consumer);
    }

    @Override
    public Set<MessageQueue> queues(String topic) throws MQClientException {
        return consumer.fetchSubscribeMessageQueues(topic);
    }

    @Override
    public long minOffset(MessageQueue queue) throws MQClientException {
        return consumer.minOffset(queue);
    }

    @Override
    public long maxOffset(MessageQueue queue) throws MQClientException {
        return consumer.maxOffset(queue);
    }

    @Override
    public long offsetAt(MessageQueue queue, long epochMillis) throws MQClientException {
        return consumer.searchOffset(queue, epochMillis);
    }

    @Override
    public long committedOffset(MessageQueue queue) throws MQClientException {
        long offset = consumer.fetchConsumeOffset(queue, true);
        if (offset < -1) {
            throw new MQClientException("Could not read the committed offset of consumer group '"
                    + consumer.getConsumerGroup() + "' for " + queue + " from its broker", null);
        }
        return offset;
    }

    @Override
    public void pull(MessageQueue queue, String tagFilter, long offset, int maxMessages, PullCallback callback)
            throws Exception {
        consumer.pullBlockIfNotFound(queue, tagFilter, offset, maxMessages, callback);
    }

    @Override
    public void commit(Map<MessageQueue, Long> offsets) throws MQClientException {
        for (Map.Entry<MessageQueue, Long> e : offsets.entrySet()) {
            consumer.updateConsumeOffset(e.getKey(), e.getValue());
            consumer.persist(e.getKey());
        }
    }

    @Override
    public void close() {
        RocketMqClientShutdown.shutdown(consumer);
    }
}
