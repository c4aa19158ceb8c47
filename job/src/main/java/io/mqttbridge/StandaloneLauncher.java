package io.mqttbridge;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path jar = ownLocation();
        Path lib = System.getProperty(FLINK_LIB_PROPERTY) != null
                ? Path.of(System.getProperty(FLINK_LIB_PROPERTY))
                : (jar == null ? Path.of("flink-lib") : jar.toAbsolutePath().getParent().resolve("flink-lib"));
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(jar.toUri().toURL());
            try (Stream<Path> files = Files.list(lib)) {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> urls.add(toUrl(p)));
            }
        } catch (IOException | RuntimeException e) {
            urls.clear();
        }
        // The platform loader as parent: the job's classes must come from the new loader, next to Flink.
        URLClassLoader loader = new URLClassLoader("mqtt-bridge", urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        if (urls.size() < 2 || !loads(loader, FLINK_CLASS)) {
            System.err.println("mqtt-bridge: Flink is not on the class path and " + lib.toAbsolutePath()
                    + " holds no Flink jars. Build the job with `mvn -pl job -am package` (it copies Flink to"
                    + " job/target/flink-lib), point -D" + FLINK_LIB_PROPERTY + "=DIR at a Flink lib/ folder, or run"
                    + " it on a cluster with `flink run mqtt-bridge-job.jar --routes FILE`.");
            System.exit(1);
        }
        if (System.getProperty("log4j.configurationFile") == null && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j.configurationFile", LOG_CONFIG);
        }
        System.setProperty(io.mqttbridge.routes.RoutesCommand.JOB_JAR_PROPERTY, jar.toAbsolutePath().toString());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class<?> main = Class.forName(RoutesJob.class.getName(), true, loader);
            main.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            System.err.println("mqtt-bridge: " + e.getCause());
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

    private static Path ownLocation() {
        try {
            return Path.of(StandaloneLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static URL toUrl(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
