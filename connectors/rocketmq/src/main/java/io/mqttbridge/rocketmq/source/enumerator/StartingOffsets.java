package io.mqttbridge.rocketmq.source.enumerator;

import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;
import io.mqttbridge.rocketmq.source.reader.QueueClient;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.common.message.MessageQueue;

import javax.annotation.Nullable;

/** The offset a queue found at the first start is read from, by 'startup-mode'. */
@Internal
final class StartingOffsets {

    private StartingOffsets() {}

    static long resolve(QueueClient client, MessageQueue queue, StartupMode mode, @Nullable Long timestamp) throws Exception {
        switch (mode) {
            case EARLIEST:
                return client.minOffset(queue);
            case LATEST:
                return client.maxOffset(queue);
            case TIMESTAMP:
                // The broker answers with the first message stored at or after the time (its max offset if none).
                return Math.max(client.offsetAt(queue, timestamp), client.minOffset(queue));
            case GROUP_OFFSETS:
                long committed = client.committedOffset(queue);
                return committed >= 0 ? Math.max(committed, client.minOffset(queue)) : client.minOffset(queue);
            default:
                throw new IllegalStateException("Unknown startup mode " + mode);
        }
    }
}
