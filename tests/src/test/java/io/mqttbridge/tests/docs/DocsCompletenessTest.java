package io.mqttbridge.tests.docs;

import io.mqttbridge.embedded.RepositoryRoot;

import io.mqttbridge.mqtt.functions.MqttModule;
import io.mqttbridge.mqtt.table.MqttKafkaHeaders;
import io.mqttbridge.mqtt.table.MqttReadableMetadata;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cheap checks that the user's manual keeps up with the code: every metadata column, Kafka header
 * and SQL function of the MQTT connector is named on its page, and every relative link of README.md
 * and docs/ points at a file of the repository.
 */
class DocsCompletenessTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]*)(#[^)]*)?\\)");

    @Test
    void mqttPageNamesEveryMetadataColumnHeaderAndFunction() throws IOException {
        String page = Files.readString(RepositoryRoot.path().resolve("docs/connectors/mqtt.md"));
        List<String> missing = new ArrayList<>();
        for (MqttReadableMetadata metadata : MqttReadableMetadata.values()) {
            if (!page.contains("| `" + metadata.key() + "` |")) {
                missing.add("metadata column '" + metadata.key() + "' (a row of the metadata table)");
            }
        }
        for (String header : kafkaHeaderNames()) {
            if (!page.contains("| `" + header + "` |")) {
                missing.add("Kafka header '" + header + "' (a row of the headers table)");
            }
        }
        for (String function : MqttModule.INSTANCE.listFunctions()) {
            if (!page.contains("`" + function + "(")) {
                missing.add("SQL function " + function);
            }
        }
        assertThat(missing).as("docs/connectors/mqtt.md does not document").isEmpty();
    }

    @Test
    void relativeLinksPointAtFilesAndHeadings() throws IOException {
        Path root = RepositoryRoot.path();
        List<String> broken = new ArrayList<>();
        for (Path file : OptionTables.markdownFiles(root)) {
            Matcher m = LINK.matcher(Files.readString(file));
            while (m.find()) {
                String target = m.group(1);
                String anchor = m.group(2);
                if (target.contains("://") || target.startsWith("mailto:")) {
                    continue;
                }
                Path linked = target.isEmpty() ? file : file.getParent().resolve(target).normalize();
                if (!Files.exists(linked)) {
                    broken.add(root.relativize(file) + " -> " + target);
                } else if (anchor != null && linked.toString().endsWith(".md")
                        && !anchors(linked).contains(anchor.substring(1))) {
                    broken.add(root.relativize(file) + " -> " + target + anchor + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("links to files or headings that do not exist").isEmpty();
    }

    /** The anchors GitHub gives the headings of a page: lower case, punctuation dropped, spaces as '-'. */
    private static List<String> anchors(Path page) throws IOException {
        List<String> anchors = new ArrayList<>();
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").toLowerCase(java.util.Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static List<String> kafkaHeaderNames() {
        List<String> names = new ArrayList<>();
        for (Field field : MqttKafkaHeaders.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(names).as("header names of MqttKafkaHeaders").isNotEmpty();
        return names;
    }
}
