package io.mqttbridge.rocketmq.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.rocketmq.common.message.MessageQueue;

import java.util.Objects;

/**
 * One RocketMQ message queue (topic, broker, queue id) and the offset of the next message to read
 * from it. The offset is the whole reading progress: a restore seeks to it, so a message is read
 * once across failures (the broker's committed group offset is only reported, never read back).
 */
@Internal
public final class RocketMqQueueSplit implements SourceSplit {

    private final String topic;
    private final String broker;
    private final int queueId;
    private final long nextOffset;

    public RocketMqQueueSplit(String topic, String broker, int queueId, long nextOffset) {
        if (queueId < 0) {
            throw new IllegalArgumentException("Queue id must be >= 0, got " + queueId);
        }
        if (nextOffset < 0) {
            throw new IllegalArgumentException("Offset must be >= 0, got " + nextOffset);
        }
        this.topic = Objects.requireNonNull(topic, "topic");
        this.broker = Objects.requireNonNull(broker, "broker");
        this.queueId = queueId;
        this.nextOffset = nextOffset;
    }

    public static RocketMqQueueSplit of(MessageQueue queue, long nextOffset) {
        return new RocketMqQueueSplit(queue.getTopic(), queue.getBrokerName(), queue.getQueueId(), nextOffset);
    }

    /** The split id of a queue: {@code <topic>@<broker>#<queue id>}, unique within a source. */
    public static String splitId(MessageQueue queue) {
        return queue.getTopic() + "@" + queue.getBrokerName() + "#" + queue.getQueueId();
    }

    @Override
    public String splitId() {
        return topic + "@" + broker + "#" + queueId;
    }

    public MessageQueue queue() {
        return new MessageQueue(topic, broker, queueId);
    }

    public String topic() {
        return topic;
    }

    public String broker() {
        return broker;
    }

    public int queueId() {
        return queueId;
    }

    public long nextOffset() {
        return nextOffset;
    }

    public RocketMqQueueSplit withNextOffset(long offset) {
        return offset == nextOffset ? this : new RocketMqQueueSplit(topic, broker, queueId, offset);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RocketMqQueueSplit)) {
            return false;
        }
        RocketMqQueueSplit that = (RocketMqQueueSplit) o;
        return queueId == that.queueId && nextOffset == that.nextOffset && topic.equals(that.topic) && broker.equals(that.broker);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, broker, queueId, nextOffset);
    }

    @Override
    public String toString() {
        return splitId() + "@" + nextOffset;
    }
}
