package io.mqttbridge.routes;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.table.api.config.ExecutionConfigOptions;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every {@link ConfigOption} of Flink's {@code *Options} classes (CheckpointingOptions,
 * StateBackendOptions, RestartStrategyOptions, PipelineOptions, ... and the table.* ones), found
 * reflectively in the packages that hold them, so that a config file can be checked key by key.
 */
final class FlinkOptionKeys {

    private static final List<Class<?>> ANCHORS = List.of(CheckpointingOptions.class, ExecutionConfigOptions.class);

    final Map<String, ConfigOption<?>> current = new HashMap<>();
    final Set<String> deprecated = new HashSet<>();
    final List<String> classes = new ArrayList<>();

    FlinkOptionKeys() throws Exception {
        for (Class<?> anchor : ANCHORS) {
            for (String className : optionClassesNextTo(anchor)) {
                Class<?> c;
                try {
                    c = Class.forName(className);
                } catch (Throwable e) {
                    continue; // a class whose dependencies are not here cannot declare keys we use either
                }
                classes.add(c.getSimpleName());
                for (Field f : c.getFields()) {
                    if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                        ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                        if (f.isAnnotationPresent(Deprecated.class) || c.isAnnotationPresent(Deprecated.class)) {
                            deprecated.add(option.key());
                        } else {
                            current.put(option.key(), option);
                        }
                        for (FallbackKey fallback : option.fallbackKeys()) {
                            deprecated.add(fallback.getKey());
                        }
                    }
                }
            }
        }
    }

    /** Problems of a flat key -> value map: unknown or deprecated keys, values their option cannot parse. */
    List<String> check(Map<String, String> flat) {
        List<String> problems = new ArrayList<>();
        Configuration configuration = Configuration.fromMap(flat);
        for (String key : flat.keySet()) {
            ConfigOption<?> option = current.get(key);
            if (option == null) {
                problems.add((deprecated.contains(key) ? "deprecated key '" : "unknown key '") + key
                        + "', did you mean '" + nearest(key) + "'?");
                continue;
            }
            try {
                configuration.get(option);
            } catch (RuntimeException e) {
                problems.add("bad value for '" + key + "': " + e.getMessage());
            }
        }
        return problems;
    }

    private String nearest(String key) {
        return current.keySet().stream().min(Comparator.comparingInt(k -> distance(k, key))).orElse("?");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                row[j] = Math.min(Math.min(row[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = row;
            row = t;
        }
        return previous[b.length()];
    }

    /** Names of the top-level classes called *Options in the package of {@code anchor}, in its jar or folder. */
    private static List<String> optionClassesNextTo(Class<?> anchor) throws IOException, URISyntaxException {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packagePath = anchor.getPackageName().replace('.', '/');
        if (Files.isDirectory(location)) {
            return list(location.resolve(packagePath), anchor.getPackageName());
        }
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return list(jar.getPath(packagePath), anchor.getPackageName());
        }
    }

    private static List<String> list(Path packageDir, String packageName) throws IOException {
        try (Stream<Path> files = Files.list(packageDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith("Options.class") && !n.contains("$"))
                    .map(n -> packageName + "." + n.substring(0, n.length() - ".class".length()))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }
}
