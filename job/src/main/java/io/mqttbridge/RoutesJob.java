package io.mqttbridge;

import io.mqttbridge.routes.RoutesCommand;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Main class of the job jar: runs or validates a routes file.
 *
 * <pre>
 * java -jar mqtt-bridge-job.jar --routes FILE [--validate] [--set key=value]... [--checkpoint-config FILE]
 * flink run mqtt-bridge-job.jar --routes FILE ...
 * </pre>
 *
 * <p>Only {@link StandaloneLauncher} is touched before we know Flink is on the class path.
 */
@PublicEvolving
public final class RoutesJob {

    private RoutesJob() {}

    public static void main(String[] args) {
        if (!StandaloneLauncher.flinkOnClassPath()) {
            StandaloneLauncher.relaunch(args);
            return;
        }
        int code = RoutesCommand.run(args, System.out, System.err, System.getenv());
        if (RoutesCommand.runningInFlinkClient()) {
            // Inside the Flink client or a JobManager (application mode) exiting the JVM is not ours to do.
            if (code != 0) {
                throw new IllegalStateException("mqtt-bridge failed with exit code " + code + ": see the message above");
            }
            return;
        }
        System.exit(code);
    }
}
