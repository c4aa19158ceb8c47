package io.mqttbridge.mqtt.source;

import io.mqttbridge.mqtt.MqttOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.RichSourceReaderContext;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

import javax.annotation.Nullable;

/**
 * The job runs an MQTT source with {@code ack-mode = 'checkpoint'} but without checkpointing. Such
 * a source acknowledges nothing, so the broker stops after one Receive Maximum window per
 * subscriber while the job shows RUNNING. Raised when a reader starts, where the configuration the
 * job really runs with (client or cluster {@code config.yaml}, {@code --set}, {@code SET}, {@code
 * enableCheckpointing}) is known, and marked non-recoverable: restarting cannot help, so the job
 * fails at once instead of running through its restart strategy.
 */
@PublicEvolving
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class CheckpointingRequiredException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    @VisibleForTesting
    CheckpointingRequiredException(MqttSourceConfig config) {
        super("The MQTT source with client id prefix '" + config.clientIdPrefix() + "' has option '"
                + MqttOptions.ACK_MODE.key() + "' = 'checkpoint' but the job runs without checkpointing: it "
                + "acknowledges a message only when a checkpoint covering it completes, so after "
                + config.connection().receiveMaximum() + " messages per subscriber (its receive-maximum) the "
                + "broker would send nothing more while the job shows RUNNING. Set '"
                + CheckpointingOptions.CHECKPOINTING_INTERVAL.key() + "' (e.g. 500ms, as in "
                + "checkpoints-config/config.yaml) in the job's or the cluster's configuration, or set '"
                + MqttOptions.ACK_MODE.key() + "' = 'receipt' to acknowledge on arrival (messages in flight "
                + "at a failure are then lost).");
    }

    /**
     * Throws when {@code config} needs checkpoints (ack-mode 'checkpoint', QoS 1 or 2) and the job of
     * {@code context} has checkpointing off. Does nothing where the job's configuration is not
     * visible (a reader context outside Flink's source operator, as in unit tests).
     */
    static void check(MqttSourceConfig config, SourceReaderContext context) {
        if (config.ackMode() != MqttOptions.AckMode.CHECKPOINT || config.qos() == 0) {
            return; // nothing waits for a checkpoint
        }
        Configuration job = jobConfiguration(context);
        if (job != null && !CheckpointingOptions.isCheckpointingEnabled(job)) {
            throw new CheckpointingRequiredException(config);
        }
    }

    /**
     * The job's configuration: what the job graph was built with, the same settings its checkpoint
     * coordinator follows. {@link SourceReaderContext#getConfiguration()} is the TaskManager's, which
     * says nothing about the job's checkpointing.
     */
    @Nullable
    private static Configuration jobConfiguration(SourceReaderContext context) {
        if (context instanceof RichSourceReaderContext
                && ((RichSourceReaderContext) context).getRuntimeContext() instanceof StreamingRuntimeContext) {
            return ((StreamingRuntimeContext) ((RichSourceReaderContext) context).getRuntimeContext()).getJobConfiguration();
        }
        return null;
    }
}
