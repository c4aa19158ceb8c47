package io.mqttbridge;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the job jar with {@code java -jar}: Flink is {@code provided} (every cluster has it), so it
 * is not in the jar; the build copies it to {@code flink-lib/} next to the jar. This class - which
 * must not touch any Flink class - relaunches {@link RoutesJob} in a class loader over
 * {@code flink-lib/*.jar} and the job jar.
 */
final class StandaloneLauncher {

    static final String FLINK_CLASS = "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment";
    /** Overrides where the Flink jars are, e.g. a Flink distribution's lib/ folder. */
    static final String FLINK_LIB_PROPERTY = "mqttbridge.flink-lib";

    /**
     * Copy of {@code RoutesCommand.JOB_JAR_PROPERTY}: that class touches Flink, so this one must not
     * reference it (even a constant). Keep the two equal.
     */
    static final String JOB_JAR_PROPERTY = "mqttbridge.job-jar";

    private static final String LOG_CONFIG = "classpath:io/mqttbridge/standalone-log4j2.properties";

    private StandaloneLauncher() {}

    static boolean flinkOnClassPath() {
        try {
            Class.forName(FLINK_CLASS, false, StandaloneLauncher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Runs RoutesJob.main with Flink from flink-lib and exits the JVM with its code. */
    static void relaunch(String[] args) {
        Path jar;
        try {
            jar = ownLocation();
        } catch (URISyntaxException | RuntimeException e) {
            System.err.println("mqtt-bridge: cannot find the job jar this class was loaded from (" + e
                    + "). Run it with `java -jar mqtt-bridge-job.jar`, or on a cluster with"
                    + " `flink run mqtt-bridge-job.jar --routes FILE`.");
            System.exit(1);
            return;
        }
        Path lib = System.getProperty(FLINK_LIB_PROPERTY) != null
                ? Path.of(System.getProperty(FLINK_LIB_PROPERTY))
                : jar.toAbsolutePath().getParent().resolve("flink-lib");
        List<URL> urls = new ArrayList<>();
        String unreadable = null;
        try {
            urls.add(jar.toUri().toURL());
            try (Stream<Path> files = Files.list(lib)) {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> urls.add(toUrl(p)));
            }
        } catch (IOException | RuntimeException e) {
            urls.clear();
            unreadable = e.toString();
        }
        // The platform loader as parent: the job's classes must come from the new loader, next to Flink.
        URLClassLoader loader = new URLClassLoader("mqtt-bridge", urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        if (urls.size() < 2 || !loads(loader, FLINK_CLASS)) {
            System.err.println("mqtt-bridge: Flink is not on the class path and " + lib.toAbsolutePath()
                    + (unreadable == null ? " holds no Flink jars" : " cannot be read (" + unreadable + ")")
                    + ". Build the job with `mvn -pl job -am package` (it copies Flink to"
                    + " job/target/flink-lib), point -D" + FLINK_LIB_PROPERTY + "=DIR at a Flink lib/ folder, or run"
                    + " it on a cluster with `flink run mqtt-bridge-job.jar --routes FILE`.");
            System.exit(1);
        }
        if (System.getProperty("log4j.configurationFile") == null && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j.configurationFile", LOG_CONFIG);
        }
        System.setProperty(JOB_JAR_PROPERTY, jar.toAbsolutePath().toString());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class<?> main = Class.forName(RoutesJob.class.getName(), true, loader);
            main.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            // The stack trace starts with the cause's toString(): printed once.
            System.err.print("mqtt-bridge: ");
            e.getCause().printStackTrace();
            System.exit(1);
        } catch (ReflectiveOperationException e) {
            System.err.println("mqtt-bridge: cannot start " + RoutesJob.class.getName() + " with Flink from " + lib + ": " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    private static boolean loads(ClassLoader loader, String className) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** @throws IllegalStateException when the class has no code source (not loaded from a jar or folder) */
    private static Path ownLocation() throws URISyntaxException {
        CodeSource source = StandaloneLauncher.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("no code source for " + StandaloneLauncher.class.getName());
        }
        return Path.of(source.getLocation().toURI());
    }

    private static URL toUrl(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
