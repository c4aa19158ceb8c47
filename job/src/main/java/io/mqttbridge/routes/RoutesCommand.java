package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * What {@code RoutesJob} does with its command line: builds the Flink configuration (checkpoint
 * file, then {@code --set} overrides), then validates or runs the routes file. Returns an exit
 * code: 0 done, 1 failed (message on {@code err}), 2 command-line error.
 */
@Internal
public final class RoutesCommand {

    /**
     * Set by the standalone launcher to the job jar: Flink's JobManager resolves a job without jars
     * through the system class loader, which under {@code java -jar} holds no Flink. Submitting the job
     * jar as the job's jar gives it a class loader under the launcher's, as on a session cluster.
     */
    public static final String JOB_JAR_PROPERTY = "mqttbridge.job-jar";

    /** What --allow-non-restored-state drops: said before the job starts, since Flink drops it without a word per operator. */
    static final String NON_RESTORED_STATE_WARNING = "mqtt-bridge: WARNING --allow-non-restored-state: state in the "
            + "savepoint that no operator of these routes claims is dropped: the saved subscriber splits of a removed or "
            + "re-planned mqtt source (its client ids and the messages it has not acknowledged yet: the broker redelivers "
            + "them only to the same client ids), and the pending transactions or buffered records of a removed sink. "
            + "See docs/operations.md, 'Pause, edit, resume'.";

    private RoutesCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        RoutesArguments arguments;
        try {
            arguments = RoutesArguments.parse(args);
        } catch (RoutesArguments.UsageException e) {
            err.println("mqtt-bridge: " + e.getMessage());
            err.println(RoutesArguments.USAGE);
            return 2;
        }
        if (arguments.help()) {
            out.println(RoutesArguments.USAGE);
            return 0;
        }
        RoutesFile routes = null;
        try {
            routes = RoutesFile.load(arguments.routes(), env);
            boolean local = !runningInFlinkClient();
            Configuration configuration = configuration(arguments, local, err);
            StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
            if (arguments.validate()) {
                for (String warning : RoutesRunner.validateWithWarnings(flink, routes)) {
                    err.println(warning);
                }
                out.println(routes.names() + ": valid (" + routes.routesStatements().size() + " statements)");
                return 0;
            }
            RoutesRunner.Submission submission = RoutesRunner.submit(flink, routes);
            TableResult result = submission.result();
            String name = submission.jobName();
            String job = result.getJobClient().map(c -> " as job " + c.getJobID()).orElse("");
            out.println(routes.names() + ": submitted '" + name + "'" + job);
            // `flink run` is attached unless -d: then wait as `java -jar` does; a detached job runs on without us.
            if (local || flink.getConfiguration().get(DeploymentOptions.ATTACHED)) {
                result.await();
                out.println(routes.names() + ": job '" + name + "' finished");
            }
            return 0;
        } catch (RoutesException e) {
            err.println(e.getMessage());
            return 1;
        } catch (ExecutionException e) {
            err.println("mqtt-bridge: the job failed: "
                    + RoutesRunner.describe(e.getCause() != null ? e.getCause() : e, routes));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mqtt-bridge: interrupted while waiting for the job");
            return 1;
        } catch (RuntimeException e) {
            err.println("mqtt-bridge: " + RoutesRunner.describe(e, routes));
            return 1;
        }
    }

    /**
     * True under {@code flink run} or in application mode, where Flink installs a context
     * environment: there the cluster's configuration applies and the process is not ours to exit.
     */
    public static boolean runningInFlinkClient() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }

    /** Checkpoint file (explicit, or the default when local), then --set overrides. */
    static Configuration configuration(RoutesArguments arguments, boolean local, PrintStream err) {
        Configuration configuration = new Configuration();
        Path file = arguments.checkpointConfig();
        if (file == null && local) { // the default, relative to the working directory
            file = FlinkConfigFile.defaultCheckpointConfig(Path.of("")).orElse(null);
        }
        if (file != null) {
            configuration.addAll(FlinkConfigFile.load(file));
            err.println("mqtt-bridge: Flink configuration from " + file);
        }
        String jobJar = System.getProperty(JOB_JAR_PROPERTY);
        if (local && jobJar != null) {
            configuration.set(PipelineOptions.JARS, List.of(Path.of(jobJar).toUri().toString()));
        }
        if (arguments.fromSavepoint() != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, arguments.fromSavepoint());
            err.println("mqtt-bridge: resuming from " + arguments.fromSavepoint());
        }
        if (arguments.allowNonRestoredState()) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
            err.println(NON_RESTORED_STATE_WARNING);
        }
        arguments.overrides().forEach((key, value) ->
                configuration.set(ConfigOptions.key(key).stringType().noDefaultValue(), value));
        return configuration;
    }
}
