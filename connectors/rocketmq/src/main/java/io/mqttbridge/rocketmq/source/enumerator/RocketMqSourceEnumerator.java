package io.mqttbridge.rocketmq.source.enumerator;

import io.mqttbridge.connector.source.PendingSplits;
import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;
import io.mqttbridge.rocketmq.source.reader.QueueClient;
import io.mqttbridge.rocketmq.source.reader.QueueClientFactory;
import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the topic's message queues at the name server and hands each to one reader as a split.
 * The first discovery resolves each queue's offset by the startup mode; every later one, also
 * after a restore, starts a queue it has not seen at its earliest offset (everything in a new queue
 * is new). Discovery repeats every 'queue-discovery.interval'; it runs on the coordinator's worker
 * thread and its result is applied on the coordinator thread, where all state lives.
 *
 * <p>A queue goes to reader {@code (hash(topic@broker) + queueId) % parallelism}, so the queues of a
 * broker spread evenly. A split that comes back from a failed reader keeps its offset and goes out
 * again when a reader for it registers.
 */
@Internal
public final class RocketMqSourceEnumerator implements SplitEnumerator<RocketMqQueueSplit, RocketMqEnumState> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSourceEnumerator.class);

    private final SplitEnumeratorContext<RocketMqQueueSplit> context;
    private final RocketMqSourceConfig config;
    private final QueueClientFactory clients;
    /** Read by discovery on the worker thread. */
    private final Set<String> discovered = ConcurrentHashMap.newKeySet();
    private final PendingSplits<RocketMqQueueSplit, String> pending =
            new PendingSplits<>(RocketMqQueueSplit::splitId, RocketMqSourceEnumerator::owner, LOG, "RocketMQ queue splits");
    private volatile boolean initialDiscoveryDone;
    @Nullable private QueueClient client;

    public RocketMqSourceEnumerator(
            SplitEnumeratorContext<RocketMqQueueSplit> context,
            RocketMqSourceConfig config,
            QueueClientFactory clients,
            @Nullable RocketMqEnumState restored) {
        this.context = context;
        this.config = config;
        this.clients = clients;
        if (restored != null) {
            initialDiscoveryDone = restored.initialDiscoveryDone();
            discovered.addAll(restored.discoveredSplitIds());
            restored.unassigned().forEach(pending::add);
        }
    }

    @Override
    public void start() {
        try {
            client = clients.create(config, "enumerator");
        } catch (Exception e) {
            throw new FlinkRuntimeException("Could not start a RocketMQ client for name server " + config.nameServer(), e);
        }
        // Periodic discovery starts only after the first result was applied: the two must not overlap.
        context.callAsync(this::discover, this::applyFirst);
    }

    private void applyFirst(List<RocketMqQueueSplit> found, @Nullable Throwable error) {
        if (error != null) {
            // No queue known: the source has nothing to read; a wrong name server or topic shows here.
            throw new FlinkRuntimeException(error.getMessage(), error);
        }
        apply(found, null);
        long interval = config.discoveryInterval().toMillis();
        if (interval > 0) {
            context.callAsync(this::discover, this::apply, interval, interval);
        }
    }

    /** Worker thread: the queues not yet discovered, each with its starting offset. */
    private List<RocketMqQueueSplit> discover() {
        Set<MessageQueue> queues;
        try {
            queues = client.queues(config.topic());
        } catch (Exception e) {
            throw new FlinkRuntimeException("Could not discover the message queues of topic '" + config.topic()
                    + "' at name server " + config.nameServer() + " (does the topic exist?): " + e.getMessage(), e);
        }
        boolean initial = !initialDiscoveryDone;
        List<RocketMqQueueSplit> found = new ArrayList<>();
        for (MessageQueue queue : queues) {
            if (discovered.contains(RocketMqQueueSplit.splitId(queue))) {
                continue;
            }
            try {
                long offset = initial
                        ? StartingOffsets.resolve(client, queue, config.startupMode(), config.startupTimestamp())
                        : client.minOffset(queue);
                found.add(RocketMqQueueSplit.of(queue, offset));
            } catch (Exception e) {
                throw new FlinkRuntimeException("Could not read the offsets of " + queue + " from its broker (found via name server "
                        + config.nameServer() + "; is the broker up, and are 'access-key' / 'secret-key' right?): " + e.getMessage(), e);
            }
        }
        found.sort(Comparator.comparing(RocketMqQueueSplit::splitId));
        return found;
    }

    /** Coordinator thread. A failed periodic discovery only logs: the queues already found go on being read. */
    private void apply(List<RocketMqQueueSplit> found, @Nullable Throwable error) {
        if (error != null) {
            LOG.warn("Queue discovery failed; the next attempt is in {}: {}", config.discoveryInterval(), error.getMessage());
            return;
        }
        List<RocketMqQueueSplit> added = new ArrayList<>();
        for (RocketMqQueueSplit split : found) {
            if (discovered.add(split.splitId())) {
                pending.add(split);
                added.add(split);
            }
        }
        if (!added.isEmpty()) {
            LOG.info("{} queue(s) of topic '{}' found{}: {}", added.size(), config.topic(),
                    initialDiscoveryDone ? " (new, read from their earliest offset)" : " (startup mode " + config.startupMode() + ")",
                    added);
        }
        initialDiscoveryDone = true;
        pending.assignToRegisteredOwners(context);
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed; readers never ask.
    }

    @Override
    public void addSplitsBack(List<RocketMqQueueSplit> splits, int subtaskId) {
        pending.addBack(splits, subtaskId);
        pending.assignToRegisteredOwners(context);
    }

    @Override
    public void addReader(int subtaskId) {
        pending.assignToRegisteredOwners(context);
    }

    @VisibleForTesting
    static int owner(RocketMqQueueSplit split, int parallelism) {
        int start = ((split.topic() + "@" + split.broker()).hashCode() * 31) & 0x7FFFFFFF;
        return (int) ((start + (long) split.queueId()) % parallelism);
    }

    @Override
    public RocketMqEnumState snapshotState(long checkpointId) {
        return new RocketMqEnumState(initialDiscoveryDone, discovered, pending.unassigned());
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
