package io.mqttbridge.mqtt.source.enumerator;

import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Creates the subscriber splits once ({@code subscribers}, default the parallelism at first start)
 * and assigns split i to reader i % parallelism. A split comes back when its reader fails and goes
 * out again when that reader (or, after a rescale, its new owner) registers. Splits never finish.
 *
 * <p>Only a split created here gets its client id from the configured prefix. A split that came
 * back or was restored unassigned goes out again as it is: same client id (else its session's
 * unacknowledged messages stay behind at the broker, e.g. after the default prefix changed) and
 * same session state (else a lost session goes unreported).
 */
@Internal
public final class MqttSourceEnumerator implements SplitEnumerator<MqttSubscriberSplit, MqttSourceEnumState> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceEnumerator.class);

    private final SplitEnumeratorContext<MqttSubscriberSplit> context;
    private final String clientIdPrefix;
    @Nullable private final Integer configuredSubscribers;
    private int totalSplits;
    private final TreeMap<Integer, MqttSubscriberSplit> unassigned = new TreeMap<>();

    public MqttSourceEnumerator(
            SplitEnumeratorContext<MqttSubscriberSplit> context,
            String clientIdPrefix,
            @Nullable Integer configuredSubscribers,
            @Nullable MqttSourceEnumState restored) {
        this.context = context;
        this.clientIdPrefix = clientIdPrefix;
        this.configuredSubscribers = configuredSubscribers;
        this.totalSplits = restored == null ? 0 : restored.totalSplits();
        if (restored != null) {
            if (restored.isVersion1()) {
                LOG.info("Enumerator state of version 1: unassigned splits {} get client ids of the prefix '{}'",
                        restored.unassignedIndices(), clientIdPrefix);
            }
            for (MqttSubscriberSplit split : restored.unassignedSplits(clientIdPrefix)) {
                unassigned.put(split.index(), split);
            }
        }
    }

    @Override
    public void start() {
        if (totalSplits == 0) {
            totalSplits = configuredSubscribers != null ? configuredSubscribers : context.currentParallelism();
            for (int i = 0; i < totalSplits; i++) {
                unassigned.put(i, MqttSubscriberSplit.of(clientIdPrefix, i));
            }
            LOG.info("MQTT source with client id prefix '{}': {} subscriber split(s)", clientIdPrefix, totalSplits);
        }
        assignPending();
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed when a reader registers; readers never ask.
    }

    @Override
    public void addSplitsBack(List<MqttSubscriberSplit> splits, int subtaskId) {
        for (MqttSubscriberSplit split : splits) {
            unassigned.put(split.index(), split);
        }
        LOG.info("Splits {} came back from subtask {}; they go out again when their reader registers", splits, subtaskId);
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    private void assignPending() {
        int parallelism = context.currentParallelism();
        Map<Integer, List<MqttSubscriberSplit>> assignment = new HashMap<>();
        for (Iterator<MqttSubscriberSplit> it = unassigned.values().iterator(); it.hasNext(); ) {
            MqttSubscriberSplit split = it.next();
            int owner = split.index() % parallelism;
            if (context.registeredReaders().containsKey(owner)) {
                assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
                it.remove();
            }
        }
        if (!assignment.isEmpty()) {
            LOG.info("Assigning MQTT subscriber splits {}", assignment);
            context.assignSplits(new SplitsAssignment<>(assignment));
        }
    }

    @Override
    public MqttSourceEnumState snapshotState(long checkpointId) {
        return new MqttSourceEnumState(totalSplits, unassigned.values());
    }

    @Override
    public void close() {}
}
