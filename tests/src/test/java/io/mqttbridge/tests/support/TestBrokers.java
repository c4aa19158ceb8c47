package io.mqttbridge.tests.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One broker of each {@link TestBroker.Kind}, each on a free port, started before the first test
 * of the class and stopped after the last: {@code @RegisterExtension static final TestBrokers
 * BROKERS = new TestBrokers();}.
 */
public final class TestBrokers implements BeforeAllCallback, AfterAllCallback {

    private final Map<TestBroker.Kind, TestBroker> brokers = new EnumMap<>(TestBroker.Kind.class);
    private Path folder;

    public TestBroker get(TestBroker.Kind kind) {
        TestBroker broker = brokers.get(kind);
        if (broker == null) {
            throw new IllegalStateException("No " + kind + " broker: register TestBrokers as a static extension");
        }
        return broker;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        folder = Files.createTempDirectory("test-brokers");
        for (TestBroker.Kind kind : TestBroker.Kind.values()) {
            brokers.put(kind, TestBroker.start(kind, folder));
        }
    }

    /** JUnit calls this also when {@link #beforeAll} failed half-way: the brokers already up are stopped. */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (TestBroker broker : brokers.values()) {
            broker.close();
        }
        brokers.clear();
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(TestBrokers::delete);
            }
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + path, e);
        }
    }
}
