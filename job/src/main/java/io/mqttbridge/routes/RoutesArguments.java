package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command line of {@code RoutesJob}. */
@Internal
public final class RoutesArguments {

    static final String USAGE = String.join("\n",
            "Usage: java -jar mqtt-bridge-job.jar --routes FILE [--validate] [--set key=value]... [--checkpoint-config FILE]",
            "       flink run mqtt-bridge-job.jar --routes FILE [options]",
            "  --routes FILE             the routes file (Flink SQL: CREATE TABLE ..., INSERT INTO ...) - required;",
            "                            repeat it to run several files as one job (named after the first)",
            "  --validate                parse and plan every statement, run nothing; exit 0 when valid",
            "  --set key=value           a Flink configuration option, overrides the file (repeatable)",
            "  --checkpoint-config FILE  a Flink config.yaml (checkpointing, state backend, restart strategy);",
            "                            default: checkpoints-config/config.yaml when it exists and the job runs",
            "                            locally (on a cluster, the cluster's configuration applies)",
            "  --from-savepoint PATH     resume from a savepoint or retained checkpoint (after a pause:",
            "                            flink stop --savepointPath DIR JOB_ID)",
            "  --allow-non-restored-state  with --from-savepoint: start even if the savepoint holds state that",
            "                            no operator of these routes claims; that state is dropped (warned)",
            "  --help                    this text");

    /** A command line that cannot be understood: exit code 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final List<Path> routes = new ArrayList<>();
    private boolean validate;
    private boolean help;
    private Path checkpointConfig;
    private String fromSavepoint;
    private boolean allowNonRestoredState;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private RoutesArguments() {}

    public static RoutesArguments parse(String[] args) throws UsageException {
        RoutesArguments parsed = new RoutesArguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                inline = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--routes":
                    parsed.routes.add(Path.of(inline != null ? inline : value(args, ++i, arg)));
                    break;
                case "--checkpoint-config":
                    parsed.checkpointConfig = Path.of(inline != null ? inline : value(args, ++i, arg));
                    break;
                case "--set":
                    parsed.addOverride(inline != null ? inline : value(args, ++i, arg));
                    break;
                case "--from-savepoint":
                    parsed.fromSavepoint = inline != null ? inline : value(args, ++i, arg);
                    break;
                case "--allow-non-restored-state":
                    parsed.allowNonRestoredState = true;
                    break;
                case "--validate":
                    parsed.validate = true;
                    break;
                case "--help":
                case "-h":
                    parsed.help = true;
                    break;
                default:
                    throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        if (parsed.routes.isEmpty() && !parsed.help) {
            throw new UsageException("missing --routes FILE: the routes file to run");
        }
        if (parsed.allowNonRestoredState && parsed.fromSavepoint == null) {
            throw new UsageException("--allow-non-restored-state needs --from-savepoint PATH: it says what to do with "
                    + "state of that savepoint");
        }
        return parsed;
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private void addOverride(String keyValue) throws UsageException {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            // The value is not echoed: it may be a secret.
            throw new UsageException("--set expects key=value; the argument after --set has no key before '='");
        }
        overrides.put(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
    }

    /** The routes files in the order given (their statements run in that order). */
    public List<Path> routes() {
        return List.copyOf(routes);
    }

    public boolean validate() {
        return validate;
    }

    public boolean help() {
        return help;
    }

    /** Null when not given. */
    public Path checkpointConfig() {
        return checkpointConfig;
    }

    /** The savepoint or retained checkpoint to resume from; null when not given. */
    public String fromSavepoint() {
        return fromSavepoint;
    }

    public boolean allowNonRestoredState() {
        return allowNonRestoredState;
    }

    public Map<String, String> overrides() {
        return overrides;
    }
}
