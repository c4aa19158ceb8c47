package io.mqttbridge.connector.testing;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes records through and throws once per run: on the first record after {@code afterRecords}
 * records of a subtask and a completed checkpoint, so that the job restores from that checkpoint.
 * Until a checkpoint completed every record passes: a test that sends what should hit the failure
 * first waits for {@link #armed}. The state is static (the function is serialized into the job),
 * keyed by a run id unique to the test.
 */
public final class FailOnce<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();
    private static final Map<String, Set<Integer>> ARMED = new ConcurrentHashMap<>();

    private final String run;
    private final int afterRecords;
    private int seen;
    private boolean checkpointCompleted;

    public FailOnce(String run, int afterRecords) {
        this.run = run;
        this.afterRecords = afterRecords;
    }

    /** Whether the failure of {@code run} was thrown. */
    public static boolean failed(String run) {
        return FAILED.contains(run);
    }

    /** Subtasks of {@code run} that throw on their next record (unless the run failed already). */
    public static int armed(String run) {
        Set<Integer> armed = ARMED.get(run);
        return armed == null ? 0 : armed.size();
    }

    @Override
    public T map(T record) {
        seen++;
        if (seen > afterRecords && checkpointCompleted && FAILED.add(run)) {
            throw new IllegalStateException("Injected failure of run " + run + " after " + seen + " records");
        }
        return record;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointCompleted = true;
        if (seen >= afterRecords) {
            ARMED.computeIfAbsent(run, k -> ConcurrentHashMap.newKeySet())
                    .add(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
    }
}
