package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The root of the mqtt-bridge checkout, for tests that read its files (sql/, checkpoints-config/,
 * k8s/, job/target/...). Maven runs each module's tests in the module's folder, one or two levels
 * below the root; {@code -Dmqttbridge.home=DIR} (what ./run-local sets) names it explicitly.
 */
@PublicEvolving
public final class RepositoryRoot {

    /** System property that names the root explicitly. */
    public static final String HOME_PROPERTY = "mqttbridge.home";

    private RepositoryRoot() {}

    /** The root: {@code mqttbridge.home} if set, else the nearest folder above the working directory with run-local and pom.xml. */
    public static Path path() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            Path root = Path.of(home).toAbsolutePath().normalize();
            if (!isRoot(root)) {
                throw new IllegalStateException(
                        "-D" + HOME_PROPERTY + "=" + home + " is not the mqtt-bridge checkout (no run-local and pom.xml there)");
            }
            return root;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException(
                "The mqtt-bridge checkout (a folder with run-local and pom.xml) is not above " + start
                        + "; run the tests through Maven from the checkout or set -D" + HOME_PROPERTY + "=DIR");
    }

    /** {@code relative} below the root, which must exist; the message names the path when it does not. */
    public static Path resolve(String relative) {
        Path file = path().resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " does not exist");
        }
        return file;
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("run-local")) && Files.isRegularFile(dir.resolve("pom.xml"));
    }
}
