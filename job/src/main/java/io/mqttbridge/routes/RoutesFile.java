package io.mqttbridge.routes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A routes file read, ${env:...}-substituted and split into statements, each with its position in
 * the file for error messages.
 *
 * <p>CONTRACT STUB - implemented by the routes work package. Keep these signatures.
 */
public final class RoutesFile {

    /** Reads {@code file}, substitutes ${env:NAME} / ${env:NAME:-default} from {@code env}, splits. */
    public static RoutesFile load(Path file, Map<String, String> env) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public Path path() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Job name: the file name without extension. */
    public String jobName() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public List<String> statements() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
