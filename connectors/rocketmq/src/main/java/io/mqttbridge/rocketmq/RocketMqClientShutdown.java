package io.mqttbridge.rocketmq;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;

import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.common.ServiceThread;
import org.apache.rocketmq.remoting.RemotingClient;
import org.apache.rocketmq.remoting.netty.NettyEvent;
import org.apache.rocketmq.remoting.netty.NettyEventType;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

/**
 * Shuts a RocketMQ client (the sink's producer, the source's consumers, the local stack's CLI) down without waiting out its
 * channel-event thread. That thread polls its queue for 3 s between checks of its stop flag, and the
 * client's shutdown joins it: every close of a writer, reader or enumerator blocked for up to 3 s
 * (a job's cancel or end waited that long for each). Here the thread is told to stop and woken with a
 * no-op event first, so the join finds it ended.
 *
 * <p>Only for clients with an instance name of their own (the connector gives each one a unique
 * name): the thread belongs to the client instance, which a shared name would share with others.
 * The thread is reached by reflection on RocketMQ 5.x internals; should they change, the shutdown
 * merely takes its old time.
 */
@Internal
public final class RocketMqClientShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqClientShutdown.class);

    private RocketMqClientShutdown() {}

    /** {@code producer.shutdown()}, without the wait for the channel-event thread. */
    public static void shutdown(DefaultMQProducer producer) {
        if (producer.getDefaultMQProducerImpl().getServiceState() == ServiceState.RUNNING) {
            stopChannelEventThread(producer);
        }
        producer.shutdown();
    }

    /** {@code consumer.shutdown()}, without the wait for the channel-event thread. */
    @SuppressWarnings("deprecation") // DefaultMQPullConsumer: see PullConsumerQueueClient
    public static void shutdown(DefaultMQPullConsumer consumer) {
        if (consumer.getDefaultMQPullConsumerImpl().getServiceState() == ServiceState.RUNNING) {
            stopChannelEventThread(consumer);
        }
        consumer.shutdown();
    }

    /** {@code consumer.shutdown()}, without the wait for the channel-event thread. */
    public static void shutdown(DefaultLitePullConsumer consumer) {
        if (consumer.isRunning()) {
            stopChannelEventThread(consumer);
        }
        consumer.shutdown();
    }

    /**
     * Sets the stop flag of the channel-event thread of {@code client}'s client instance (running) and
     * wakes the thread, which then ends; returns whether it found the thread.
     */
    @VisibleForTesting
    static boolean stopChannelEventThread(ClientConfig client) {
        try {
            ServiceThread eventThread = channelEventThread(client);
            RemotingClient remoting = instance(client).getMQClientAPIImpl().getRemotingClient();
            eventThread.makeStop();
            // An idle event without a channel: the client's listener does nothing on idle.
            ((NettyRemotingAbstract) remoting).putNettyEvent(new NettyEvent(NettyEventType.IDLE, "", null));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("RocketMQ client {}: its channel-event thread is left to its shutdown ({})",
                    client.getInstanceName(), e.toString());
            return false;
        }
    }

    /** The channel-event thread of {@code client}'s client instance. */
    @VisibleForTesting
    static ServiceThread channelEventThread(ClientConfig client) throws ReflectiveOperationException {
        RemotingClient remoting = instance(client).getMQClientAPIImpl().getRemotingClient();
        Field executor = NettyRemotingAbstract.class.getDeclaredField("nettyEventExecutor");
        executor.setAccessible(true);
        return (ServiceThread) executor.get(remoting);
    }

    /** The client instance of a running {@code client}: looked up by its client id, so it exists. */
    private static MQClientInstance instance(ClientConfig client) {
        return MQClientManager.getInstance().getOrCreateMQClientInstance(client);
    }
}
