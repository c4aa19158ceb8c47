package io.mqttbridge.rocketmq.source.split;

import org.apache.flink.annotation.Internal;

/** The mutable reading position of a split in a reader: advanced by the emitter, one message at a time. */
@Internal
public final class RocketMqQueueSplitState {

    private final RocketMqQueueSplit split;
    private long nextOffset;

    public RocketMqQueueSplitState(RocketMqQueueSplit split) {
        this.split = split;
        this.nextOffset = split.nextOffset();
    }

    public String broker() {
        return split.broker();
    }

    public long nextOffset() {
        return nextOffset;
    }

    /** After the message at {@code queueOffset} was emitted. */
    public void emitted(long queueOffset) {
        nextOffset = queueOffset + 1;
    }

    public RocketMqQueueSplit toSplit() {
        return split.withNextOffset(nextOffset);
    }
}
