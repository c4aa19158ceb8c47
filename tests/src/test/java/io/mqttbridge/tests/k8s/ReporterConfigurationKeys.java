package io.mqttbridge.tests.k8s;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the metric reporter keys ({@code metrics.reporter.<name>.<option>}) of a Flink
 * configuration: the factory class exists and is a reporter factory, and every other option is one
 * of Flink's reporter options or one the named factory reads. The other keys are checked in the job
 * module by KubernetesFlinkConfigurationTest, as checkpoints-config is; this one needs the reporter
 * on the class path.
 */
final class ReporterConfigurationKeys {

    private static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");

    private ReporterConfigurationKeys() {}

    /** Problems with the reporter keys of {@code flat}, one line each; other keys are ignored. */
    static List<String> check(Map<String, String> flat) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : flat.entrySet()) {
            Matcher reporter = REPORTER_KEY.matcher(entry.getKey());
            if (reporter.matches()) {
                check(reporter.group(1), reporter.group(2), entry.getValue(), flat, problems);
            }
        }
        return problems;
    }

    private static void check(String reporter, String suffix, String value, Map<String, String> flat, List<String> problems) {
        String key = "metrics.reporter." + reporter + "." + suffix;
        if (suffix.equals(MetricOptions.REPORTER_FACTORY_CLASS.key())) {
            try {
                if (!MetricReporterFactory.class.isAssignableFrom(Class.forName(value))) {
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

    /** The {@code ARG_*} names a reporter factory reads from its configuration (Prometheus: port). */
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
