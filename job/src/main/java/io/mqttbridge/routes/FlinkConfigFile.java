package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.YamlParserUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a Flink 2 {@code config.yaml} (nested or flat keys) of any file name into a {@link
 * Configuration}, the way the cluster reads its own.
 */
@Internal
public final class FlinkConfigFile {

    /** The project's checkpoint configuration, relative to the project directory. */
    public static final Path DEFAULT_CHECKPOINT_CONFIG = Path.of("checkpoints-config", "config.yaml");

    private FlinkConfigFile() {}

    /** {@code checkpoints-config/config.yaml} under {@code baseDir}, if that file exists. */
    public static Optional<Path> defaultCheckpointConfig(Path baseDir) {
        Path file = baseDir.resolve(DEFAULT_CHECKPOINT_CONFIG);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** @throws IllegalArgumentException naming the file when it is missing or not valid YAML */
    public static Configuration load(Path file) {
        return Configuration.fromMap(loadFlat(file));
    }

    /** Flat {@code key -> value} as written in the file; nested maps become dotted keys. */
    public static Map<String, String> loadFlat(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Flink configuration file not found: " + file);
        }
        Map<String, Object> yaml;
        try {
            yaml = YamlParserUtils.loadYamlFile(file.toFile());
        } catch (Exception e) {
            throw new IllegalArgumentException("Flink configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (yaml != null) {
            flatten("", yaml, flat);
        }
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> into) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map) {
                flatten(key + ".", (Map<?, ?>) value, into);
            } else if (value instanceof String) {
                into.put(key, (String) value);
            } else if (value != null) {
                // Lists and numbers in Flink's YAML syntax, which Configuration parses back.
                into.put(key, YamlParserUtils.toYAMLString(value));
            }
        }
    }
}
