package io.mqttbridge.rocketmq.source.reader;

import org.apache.rocketmq.client.consumer.PullCallback;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link QueueClient} over in-memory queues: offsets, timestamps and committed offsets as a test
 * sets them; pulls answer at once from the messages appended, or fail while {@link #failPulls} is set.
 */
public class FakeQueueClient implements QueueClient {

    public final Set<MessageQueue> queues = new LinkedHashSet<>();
    public final Map<MessageQueue, Long> minOffsets = new HashMap<>();
    public final Map<MessageQueue, TreeMap<Long, MessageExt>> messages = new HashMap<>();
    public final Map<MessageQueue, Long> committed = new HashMap<>();
    public final Map<MessageQueue, Long> commits = new ConcurrentHashMap<>();
    public final List<String> pulls = new ArrayList<>();
    public volatile boolean failPulls;
    public volatile boolean closed;

    public MessageQueue addQueue(String topic, String broker, int queueId, long minOffset) {
        MessageQueue queue = new MessageQueue(topic, broker, queueId);
        queues.add(queue);
        minOffsets.put(queue, minOffset);
        messages.put(queue, new TreeMap<>());
        return queue;
    }

    /** Appends a message with body {@code body}, stored at {@code storeTime}; returns its offset. */
    public long append(MessageQueue queue, String body, long storeTime) {
        TreeMap<Long, MessageExt> stored = messages.get(queue);
        long offset = stored.isEmpty() ? minOffsets.get(queue) : stored.lastKey() + 1;
        MessageExt message = new MessageExt();
        message.setTopic(queue.getTopic());
        message.setQueueId(queue.getQueueId());
        message.setBrokerName(queue.getBrokerName());
        message.setQueueOffset(offset);
        message.setStoreTimestamp(storeTime);
        message.setBody(body.getBytes(StandardCharsets.UTF_8));
        stored.put(offset, message);
        return offset;
    }

    @Override
    public Set<MessageQueue> queues(String topic) {
        return new LinkedHashSet<>(queues);
    }

    @Override
    public long minOffset(MessageQueue queue) {
        return minOffsets.get(queue);
    }

    @Override
    public long maxOffset(MessageQueue queue) {
        TreeMap<Long, MessageExt> stored = messages.get(queue);
        return stored.isEmpty() ? minOffsets.get(queue) : stored.lastKey() + 1;
    }

    @Override
    public long offsetAt(MessageQueue queue, long epochMillis) {
        return messages.get(queue).values().stream()
                .filter(m -> m.getStoreTimestamp() >= epochMillis)
                .mapToLong(MessageExt::getQueueOffset)
                .findFirst()
                .orElse(maxOffset(queue));
    }

    @Override
    public long committedOffset(MessageQueue queue) {
        return committed.getOrDefault(queue, -1L);
    }

    @Override
    public synchronized void pull(MessageQueue queue, String tagFilter, long offset, int maxMessages, PullCallback callback) {
        pulls.add(queue.getQueueId() + "@" + offset);
        if (failPulls) {
            callback.onException(new RuntimeException("broker unreachable"));
            return;
        }
        List<MessageExt> found = new ArrayList<>(messages.get(queue).tailMap(offset).values());
        found = found.subList(0, Math.min(maxMessages, found.size()));
        long next = found.isEmpty() ? offset : found.get(found.size() - 1).getQueueOffset() + 1;
        PullStatus status = found.isEmpty() ? PullStatus.NO_NEW_MSG : PullStatus.FOUND;
        callback.onSuccess(new PullResult(status, next, minOffset(queue), maxOffset(queue), found));
    }

    @Override
    public void commit(Map<MessageQueue, Long> offsets) {
        commits.putAll(offsets);
    }

    @Override
    public void close() {
        closed = true;
    }
}
