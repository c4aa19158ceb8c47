package io.mqttbridge.tests.docs;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the option table of an Options class (key, type, default, description, from its public
 * {@code ConfigOption} constants) and finds the generated blocks in the markdown files of docs/:
 *
 * <pre>
 * &lt;!-- generated options: io.mqttbridge.mqtt.MqttOptions --&gt;
 * | key | type | default | description |
 * ...
 * &lt;!-- end generated options --&gt;
 * </pre>
 */
final class OptionTables {

    static final String HEADER = "| key | type | default | description |";

    private static final Pattern BLOCK =
            Pattern.compile(
                    "<!-- generated options: ([\\w.$]+) -->\\n(.*?)<!-- end generated options -->",
                    Pattern.DOTALL);

    private OptionTables() {}

    /** One generated block of a markdown file: the class it names and the text between the markers. */
    record Block(Path file, String className, String content, int start, int end) {}

    /** The table of every public static ConfigOption of {@code options}, sorted by key (deterministic). */
    static String render(Class<?> options) {
        StringBuilder table = new StringBuilder(HEADER).append('\n').append("|---|---|---|---|\n");
        for (Field field : optionFields(options)) {
            ConfigOption<?> option = read(field);
            table.append("| `").append(option.key()).append("` | ")
                    .append(cell(typeName(field).replace("<", "&lt;").replace(">", "&gt;"))).append(" | ")
                    .append(option.hasDefaultValue() ? "`" + value(option.defaultValue()) + "`" : "(none)")
                    .append(" | ")
                    .append(cell(description(option, field)))
                    .append(" |\n");
        }
        return table.toString();
    }

    /** The keys of every public static ConfigOption of {@code options}. */
    static List<String> keys(Class<?> options) {
        return optionFields(options).stream().map(f -> read(f).key()).collect(Collectors.toList());
    }

    /** README.md and every markdown file under docs/. */
    static List<Path> markdownFiles(Path root) {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static List<Block> blocks(Path file, String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(file, m.group(1), m.group(2), m.start(2), m.end(2)));
        }
        return blocks;
    }

    /** {@code text} with every block's content replaced by the table of its class. */
    static String regenerate(String text, List<Block> blocks) {
        StringBuilder result = new StringBuilder(text);
        // from the end, so that earlier offsets stay valid
        for (int i = blocks.size() - 1; i >= 0; i--) {
            Block b = blocks.get(i);
            result.replace(b.start(), b.end(), render(load(b.className())));
        }
        return result.toString();
    }

    static Class<?> load(String className) {
        try {
            return Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no class " + className, e);
        }
    }

    /** The lines only in {@code docs} ("-") and only in {@code code} ("+"): enough for one row per option. */
    static String diff(String docs, String code) {
        List<String> docLines = Arrays.asList(docs.split("\n"));
        List<String> codeLines = Arrays.asList(code.split("\n"));
        StringBuilder out = new StringBuilder();
        docLines.stream().filter(l -> !codeLines.contains(l)).forEach(l -> out.append("  - ").append(l).append('\n'));
        codeLines.stream().filter(l -> !docLines.contains(l)).forEach(l -> out.append("  + ").append(l).append('\n'));
        return out.length() > 0 ? out.toString() : "  (same rows, different order or spacing)\n";
    }

    private static List<Field> optionFields(Class<?> options) {
        return Arrays.stream(options.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType()))
                .sorted(Comparator.comparing(f -> read(f).key()))
                .collect(Collectors.toList());
    }

    private static ConfigOption<?> read(Field field) {
        try {
            return (ConfigOption<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }

    /** From the field's declared type ConfigOption&lt;T&gt;: public API, unlike ConfigOption's own class. */
    private static String typeName(Field field) {
        Type t = ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
        if (t instanceof Class<?> c) {
            return c.isEnum() ? "Enum" : c.getSimpleName();
        }
        if (t instanceof ParameterizedType p) {
            Type arg = p.getActualTypeArguments()[0];
            String element = arg instanceof Class<?> c ? c.getSimpleName() : arg.getTypeName();
            return ((Class<?>) p.getRawType()).getSimpleName() + "<" + element + ">";
        }
        return t.getTypeName();
    }

    private static String description(ConfigOption<?> option, Field field) {
        String text = new HtmlFormatter().format(option.description());
        Type t = ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
        if (t instanceof Class<?> c && c.isEnum()) {
            text += " Values: "
                    + Arrays.stream(c.getEnumConstants()).map(v -> "`" + v + "`").collect(Collectors.joining(", "))
                    + " (case-insensitive).";
        }
        return text;
    }

    private static String value(Object value) {
        return value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : String.valueOf(value);
    }

    /** Markdown table cell: one line, no column break (HtmlFormatter has escaped &lt;, &gt; and &amp;). */
    private static String cell(String text) {
        return text.replace("\n", " ").replace("|", "\\|");
    }
}
