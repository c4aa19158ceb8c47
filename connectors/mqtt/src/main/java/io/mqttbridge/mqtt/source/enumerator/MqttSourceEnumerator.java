package io.mqttbridge.mqtt.source.enumerator;

import io.mqttbridge.connector.source.PendingSplits;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.List;

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
    private final PendingSplits<MqttSubscriberSplit, Integer> pending = new PendingSplits<>(
            MqttSubscriberSplit::index, (split, parallelism) -> split.index() % parallelism, LOG, "MQTT subscriber splits");

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
            restored.unassignedSplits(clientIdPrefix).forEach(pending::add);
        }
    }

    @Override
    public void start() {
        if (totalSplits == 0) {
            totalSplits = configuredSubscribers != null ? configuredSubscribers : context.currentParallelism();
            for (int i = 0; i < totalSplits; i++) {
                pending.add(MqttSubscriberSplit.of(clientIdPrefix, i));
            }
            LOG.info("MQTT source with client id prefix '{}': {} subscriber split(s)", clientIdPrefix, totalSplits);
        }
        pending.assignToRegisteredOwners(context);
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed when a reader registers; readers never ask.
    }

    @Override
    public void addSplitsBack(List<MqttSubscriberSplit> splits, int subtaskId) {
        pending.addBack(splits, subtaskId);
        pending.assignToRegisteredOwners(context);
    }

    @Override
    public void addReader(int subtaskId) {
        pending.assignToRegisteredOwners(context);
    }

    @Override
    public MqttSourceEnumState snapshotState(long checkpointId) {
        return new MqttSourceEnumState(totalSplits, pending.unassigned());
    }

    @Override
    public void close() {}
}
