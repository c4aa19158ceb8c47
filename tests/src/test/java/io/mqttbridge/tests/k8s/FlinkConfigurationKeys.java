package io.mqttbridge.tests.k8s;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a FlinkDeployment's {@code flinkConfiguration} key by key against Flink's own {@link
 * ConfigOption}s of the option classes a deployment uses, values parsed by their option. Reporter
 * keys ({@code metrics.reporter.<name>.<option>}) are checked against Flink's reporter options and
 * the options the named reporter factory reads.
 */
final class FlinkConfigurationKeys {

    private static final List<Class<?>> OPTION_CLASSES = List.of(
            CheckpointingOptions.class, StateBackendOptions.class, RestartStrategyOptions.class,
            HighAvailabilityOptions.class, TaskManagerOptions.class, JobManagerOptions.class, CoreOptions.class,
            PipelineOptions.class, MetricOptions.class);

    private static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");

    private final Map<String, ConfigOption<?>> current = new HashMap<>();
    private final Set<String> deprecated = new HashSet<>();

    FlinkConfigurationKeys() throws IllegalAccessException {
        for (Class<?> c : OPTION_CLASSES) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                    if (f.isAnnotationPresent(Deprecated.class)) {
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

    /** Problems, one line each: unknown or deprecated keys, values their option cannot parse. */
    List<String> check(Map<String, String> flat) {
        List<String> problems = new ArrayList<>();
        Configuration configuration = Configuration.fromMap(flat);
        for (Map.Entry<String, String> entry : flat.entrySet()) {
            String key = entry.getKey();
            Matcher reporter = REPORTER_KEY.matcher(key);
            if (reporter.matches()) {
                checkReporterKey(reporter.group(1), reporter.group(2), entry.getValue(), flat, problems);
                continue;
            }
            ConfigOption<?> option = current.get(key);
            if (option == null) {
                problems.add((deprecated.contains(key) ? "deprecated key '" : "unknown key '") + key + "'");
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

    private static void checkReporterKey(String reporter, String suffix, String value, Map<String, String> flat, List<String> problems) {
        String key = "metrics.reporter." + reporter + "." + suffix;
        if (suffix.equals(MetricOptions.REPORTER_FACTORY_CLASS.key())) {
            try {
                Class<?> factory = Class.forName(value);
                if (!MetricReporterFactory.class.isAssignableFrom(factory)) {
                    problems.add("'" + key + "': " + value + " is not a MetricReporterFactory");
                }
            } catch (ClassNotFoundException e) {
                problems.add("'" + key + "': no class " + value + " (is the reporter on the class path?)");
            }
            return;
        }
        String factory = flat.get("metrics.reporter." + reporter + "." + MetricOptions.REPORTER_FACTORY_CLASS.key());
        if (factory == null) {
            problems.add("'" + key + "': reporter '" + reporter + "' has no factory.class");
            return;
        }
        Set<String> known = new HashSet<>();
        for (ConfigOption<?> option : List.of(MetricOptions.REPORTER_INTERVAL, MetricOptions.REPORTER_SCOPE_DELIMITER,
                MetricOptions.REPORTER_EXCLUDED_VARIABLES, MetricOptions.REPORTER_ADDITIONAL_VARIABLES,
                MetricOptions.REPORTER_INCLUDES, MetricOptions.REPORTER_EXCLUDES)) {
            known.add(option.key());
        }
        known.addAll(argumentsOf(factory));
        if (!known.contains(suffix)) {
            problems.add("unknown key '" + key + "': reporter options are " + known);
        } else if (suffix.equals("port") && !value.matches("\\d{1,5}(-\\d{1,5})?")) {
            problems.add("bad value for '" + key + "': a port or port range, got " + value);
        }
    }

    /** The {@code ARG_*} names a reporter factory reads from its configuration (e.g. Prometheus: port). */
    private static Set<String> argumentsOf(String factoryClass) {
        Set<String> names = new HashSet<>();
        try {
            for (Field f : Class.forName(factoryClass).getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && f.getName().startsWith("ARG_")) {
                    f.setAccessible(true);
                    names.add((String) f.get(null));
                }
            }
        } catch (ReflectiveOperationException e) {
            // reported by the factory.class check
        }
        return names;
    }
}
