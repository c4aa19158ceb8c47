package io.mqttbridge.tests.k8s;

import io.mqttbridge.embedded.RepositoryRoot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests into the Flink Kubernetes Operator's model classes (and fabric8's for
 * core kinds) strictly: a property the model does not have is an error, whether Jackson sees it or
 * a model class would swallow it into its {@code additionalProperties} map.
 */
final class KubernetesManifests {

    /** The kinds under k8s/ and the model class each is read into. */
    static final Map<String, Class<? extends HasMetadata>> KINDS =
            Map.of("FlinkDeployment", FlinkDeployment.class, "ConfigMap", ConfigMap.class, "Secret", Secret.class);

    /**
     * The newest operator-api served here (1.10.0) was released before Flink 2 and knows Flink
     * versions up to v1_20. A newer Flink version name is checked against the build's Flink version
     * by the test and read as the newest one the model knows, so that everything else is still
     * checked strictly.
     */
    static final FlinkVersion NEWEST_KNOWN_FLINK_VERSION = FlinkVersion.values()[FlinkVersion.values().length - 1];

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .setAnnotationIntrospector(new StrictIntrospector())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private KubernetesManifests() {}

    /** The operator's model classes say {@code @JsonIgnoreProperties(ignoreUnknown = true)}: not here. */
    private static final class StrictIntrospector extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
            JsonIgnoreProperties.Value value = super.findPropertyIgnoralByName(config, annotated);
            return value == null ? null : value.withoutIgnoreUnknown();
        }
    }

    static Path folder() {
        return RepositoryRoot.resolve("k8s");
    }

    static List<Path> all() throws IOException {
        try (Stream<Path> files = Files.list(folder())) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    static JsonNode tree(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    /** Reads {@code file} into the model class of its kind; fails naming the file and the property. */
    static HasMetadata read(Path file) throws IOException {
        return read(file.getFileName().toString(), tree(file));
    }

    static HasMetadata read(String name, JsonNode tree) throws IOException {
        String kind = tree.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
            throw new IllegalArgumentException(name + ": kind '" + kind + "' is not one of " + KINDS.keySet());
        }
        JsonNode spec = tree.path("spec");
        if (spec.has("flinkVersion") && !isKnownFlinkVersion(spec.get("flinkVersion").asText())) {
            ((ObjectNode) spec).put("flinkVersion", NEWEST_KNOWN_FLINK_VERSION.name());
        }
        HasMetadata resource;
        try {
            resource = YAML.treeToValue(tree, type);
        } catch (IOException e) {
            throw new IOException(name + " is not a valid " + kind + ": " + e.getMessage(), e);
        }
        List<String> swallowed = new ArrayList<>();
        findAdditionalProperties(resource, kind, swallowed, new IdentityHashMap<>());
        if (!swallowed.isEmpty()) {
            throw new IOException(name + ": properties the " + kind + " model does not have: " + swallowed);
        }
        return resource;
    }

    private static boolean isKnownFlinkVersion(String name) {
        return Arrays.stream(FlinkVersion.values()).anyMatch(v -> v.name().equals(name));
    }

    /**
     * Walks the model objects and collects every non-empty {@code additionalProperties} map: fabric8
     * classes keep unknown properties there instead of failing.
     */
    private static void findAdditionalProperties(Object value, String path, List<String> found, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Map) {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                findAdditionalProperties(entry.getValue(), path + "." + entry.getKey(), found, seen);
            }
            return;
        }
        if (value instanceof Collection) {
            int i = 0;
            for (Object element : (Collection<?>) value) {
                findAdditionalProperties(element, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Enum || !isModel(value.getClass())) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && isModel(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map) {
                    Set<?> keys = ((Map<?, ?>) fieldValue).keySet();
                    keys.forEach(k -> found.add(path + "." + k));
                } else {
                    findAdditionalProperties(fieldValue, path + "." + field.getName(), found, seen);
                }
            }
        }
    }

    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        return name.startsWith("io.fabric8.kubernetes.") || name.startsWith("org.apache.flink.kubernetes.operator.api.");
    }
}
