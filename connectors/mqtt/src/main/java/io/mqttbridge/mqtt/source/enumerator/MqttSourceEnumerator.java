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
import java.util.TreeSet;

/**
 * Creates the subscriber splits once ({@code subscribers}, default the parallelism at first start)
 * and assigns split i to reader i % parallelism. A split comes back when its reader fails and goes
 * out again when that reader (or, after a rescale, its new owner) registers. Splits never finish.
 */
@Internal
public final class MqttSourceEnumerator implements SplitEnumerator<MqttSubscriberSplit, MqttSourceEnumState> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceEnumerator.class);

    private final SplitEnumeratorContext<MqttSubscriberSplit> context;
    private final String clientIdPrefix;
    @Nullable private final Integer configuredSubscribers;
    private int totalSplits;
    private final TreeSet<Integer> unassigned;

    public MqttSourceEnumerator(
            SplitEnumeratorContext<MqttSubscriberSplit> context,
            String clientIdPrefix,
            @Nullable Integer configuredSubscribers,
            @Nullable MqttSourceEnumState restored) {
        this.context = context;
        this.clientIdPrefix = clientIdPrefix;
        this.configuredSubscribers = configuredSubscribers;
        this.totalSplits = restored == null ? 0 : restored.totalSplits();
        this.unassigned = restored == null ? new TreeSet<>() : new TreeSet<>(restored.unassigned());
    }

    @Override
    public void start() {
        if (totalSplits == 0) {
            totalSplits = configuredSubscribers != null ? configuredSubscribers : context.currentParallelism();
            for (int i = 0; i < totalSplits; i++) {
                unassigned.add(i);
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
            unassigned.add(split.index());
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
        for (Iterator<Integer> it = unassigned.iterator(); it.hasNext(); ) {
            int index = it.next();
            int owner = index % parallelism;
            if (context.registeredReaders().containsKey(owner)) {
                assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(MqttSubscriberSplit.of(clientIdPrefix, index));
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
        return new MqttSourceEnumState(totalSplits, unassigned);
    }

    @Override
    public void close() {}
}
