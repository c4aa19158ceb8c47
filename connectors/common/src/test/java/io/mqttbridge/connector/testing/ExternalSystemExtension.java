package io.mqttbridge.connector.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Runs one embedded external system (a broker, a name server ...) for a test class: started in a
 * fresh folder before the first test, closed and its folder deleted after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ExternalSystemExtension<EmbeddedRocketMq> ROCKETMQ = new ExternalSystemExtension<>(EmbeddedRocketMq::start);
 * }</pre>
 *
 * <p>JUnit calls the callbacks of an extension registered on a class again for each of its
 * {@code @Nested} classes (where Flink's test suites live); only the outermost pair starts and stops.
 */
public final class ExternalSystemExtension<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

    /** Starts the system, writing its data under the given folder. */
    @FunctionalInterface
    public interface Starter<T> {
        T start(Path folder) throws Exception;
    }

    private final Starter<T> starter;
    private int depth;
    private Path folder;
    private T system;

    public ExternalSystemExtension(Starter<T> starter) {
        this.starter = starter;
    }

    /** The running system. */
    public T get() {
        if (system == null) {
            throw new IllegalStateException("Not started: register the extension on a static field with @RegisterExtension");
        }
        return system;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (depth++ > 0) {
            return;
        }
        folder = Files.createTempDirectory("external-system");
        system = starter.start(folder);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (--depth > 0) {
            return;
        }
        try {
            if (system != null) {
                system.close();
            }
        } finally {
            system = null;
            deleteRecursively(folder);
        }
    }

    private static void deleteRecursively(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
