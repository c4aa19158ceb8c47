package io.mqttbridge.rocketmq.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.client.consumer.PullCallback;
import org.apache.rocketmq.common.message.MessageQueue;

import java.util.Map;
import java.util.Set;

/**
 * What the source needs from RocketMQ: queue discovery and offsets for the enumerator, pulls at an
 * explicit offset and offset reports for the reader. The seam for unit tests; production code uses
 * {@link PullConsumerQueueClient}.
 */
@Internal
public interface QueueClient extends AutoCloseable {

    /** The topic's message queues as the name server routes them now. */
    Set<MessageQueue> queues(String topic) throws Exception;

    /** Offset of the oldest message the broker still keeps. */
    long minOffset(MessageQueue queue) throws Exception;

    /** Offset the next message written to the queue gets. */
    long maxOffset(MessageQueue queue) throws Exception;

    /** Offset of the first message stored at or after {@code epochMillis}. */
    long offsetAt(MessageQueue queue, long epochMillis) throws Exception;

    /** The consumer group's committed offset, or -1 when the group has none for the queue. */
    long committedOffset(MessageQueue queue) throws Exception;

    /**
     * Pulls up to {@code maxMessages} from {@code offset}; the broker holds the request until a
     * message arrives or its suspend time passes. The callback runs on a client thread.
     */
    void pull(MessageQueue queue, String tagFilter, long offset, int maxMessages, PullCallback callback) throws Exception;

    /** Reports offsets to the broker as the group's progress (monitoring only, never read back by the source). */
    void commit(Map<MessageQueue, Long> offsets) throws Exception;

    @Override
    void close();
}
