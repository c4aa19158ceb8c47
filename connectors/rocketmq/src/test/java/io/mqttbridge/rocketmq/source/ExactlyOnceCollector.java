package io.mqttbridge.rocketmq.source;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A durable "sink" with exactly-once commits, as a transactional sink does it: the records that pass
 * before checkpoint barrier n are staged under n (and kept in the checkpoint), and committed into
 * {@link #COMMITTED} when n completes or, after a failure, when the job restores from n. A commit
 * is keyed by (subtask, checkpoint id), so a repeated one changes nothing. What is committed is
 * therefore exactly what the checkpoints cover: a record the source reads twice across a restore
 * shows up twice here.
 */
final class ExactlyOnceCollector extends RichMapFunction<String, String> implements CheckpointedFunction, CheckpointListener {

    /** run -> "subtask/checkpoint" -> records, static: the MiniCluster runs in the test's JVM. */
    static final Map<String, Map<String, List<String>>> COMMITTED = new ConcurrentHashMap<>();

    private final String run;
    private transient List<String> sinceSnapshot;
    private transient TreeMap<Long, List<String>> staged;
    private transient ListState<String> stagedState;

    ExactlyOnceCollector(String run) {
        this.run = run;
    }

    /** Every committed record of {@code run}, duplicates included. */
    static List<String> committed(String run) {
        List<String> all = new ArrayList<>();
        COMMITTED.getOrDefault(run, Map.of()).values().forEach(all::addAll);
        return all;
    }

    @Override
    public String map(String record) {
        sinceSnapshot.add(record);
        return record;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        staged.put(context.getCheckpointId(), sinceSnapshot);
        sinceSnapshot = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        staged.forEach((id, records) -> records.forEach(r -> entries.add(subtask + "/" + id + "\t" + r)));
        stagedState.update(entries);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        sinceSnapshot = new ArrayList<>();
        staged = new TreeMap<>();
        // union: every subtask sees all staged batches and commits each whole (idempotently)
        stagedState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("staged", Types.STRING));
        if (context.isRestored()) {
            Map<String, List<String>> batches = new TreeMap<>();
            for (String entry : stagedState.get()) {
                int tab = entry.indexOf('\t');
                batches.computeIfAbsent(entry.substring(0, tab), k -> new ArrayList<>()).add(entry.substring(tab + 1));
            }
            batches.forEach(this::commit);
            stagedState.clear();
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        Map<Long, List<String>> done = staged.headMap(checkpointId, true);
        done.forEach((id, records) -> commit(subtask + "/" + id, records));
        done.clear();
    }

    private void commit(String key, List<String> records) {
        COMMITTED.computeIfAbsent(run, k -> new ConcurrentHashMap<>()).putIfAbsent(key, List.copyOf(records));
    }
}
