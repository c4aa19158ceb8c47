package io.mqttbridge.routes;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvSubstitutionTest {

    private static RoutesStatement only(String sql, Map<String, String> env) {
        RoutesFile file = RoutesFile.parse(Path.of("r.sql"), sql, env);
        assertThat(file.routesStatements()).hasSize(1);
        return file.routesStatements().get(0);
    }

    @Test
    void substitutesValueAndMasksIt() {
        RoutesStatement s = only("CREATE TABLE t (x INT) WITH ('password' = '${env:MQTT_PASSWORD}')",
                Map.of("MQTT_PASSWORD", "s3cret-pw"));
        assertThat(s.sql()).isEqualTo("CREATE TABLE t (x INT) WITH ('password' = 's3cret-pw')");
        assertThat(s.maskedSql()).isEqualTo("CREATE TABLE t (x INT) WITH ('password' = '***')").doesNotContain("s3cret");
    }

    @Test
    void usesDefaultOnlyWhenUnset() {
        String sql = "SELECT '${env:HOST:-localhost}'";
        assertThat(only(sql, Map.of()).sql()).isEqualTo("SELECT 'localhost'");
        assertThat(only(sql, Map.of("HOST", "broker")).sql()).isEqualTo("SELECT 'broker'");
        assertThat(only("SELECT '${env:EMPTY:-}'", Map.of()).sql()).isEqualTo("SELECT ''");
        assertThat(only("SELECT '${env:URI:-tcp://h:1883}'", Map.of()).sql()).isEqualTo("SELECT 'tcp://h:1883'");
    }

    @Test
    void defaultIsMaskedToo() {
        assertThat(only("SELECT '${env:A:-dflt}'", Map.of()).maskedSql()).isEqualTo("SELECT '***'");
    }

    @Test
    void missingVariableNamesItAndItsPosition() {
        assertThatThrownBy(() -> RoutesFile.parse(Path.of("r.sql"),
                        "SELECT 1;\nCREATE TABLE t WITH (\n  'password' = '${env:MQTT_PASSWORD}')", Map.of("OTHER", "x")))
                .isInstanceOf(RoutesException.class)
                .hasMessageStartingWith("r.sql:3:17: environment variable 'MQTT_PASSWORD' is not set");
    }

    @Test
    void referencesInCommentsAreIgnored() {
        RoutesStatement s = only("SELECT 1 -- uses ${env:UNSET}\n/* ${env:UNSET2} */", Map.of());
        assertThat(s.sql()).isEqualTo("SELECT 1");
    }

    @Test
    void quoteInValueIsEscapedInsideStringLiteral() {
        RoutesStatement s = only("SELECT '${env:P}', `${env:P}`", Map.of("P", "a'b`c"));
        assertThat(s.sql()).isEqualTo("SELECT 'a''b`c', `a'b``c`");
    }

    @Test
    void invalidNameAndUnclosedReferenceAreErrors() {
        assertThatThrownBy(() -> only("SELECT '${env:1X}'", Map.of()))
                .hasMessageContaining("invalid environment variable name '1X'");
        assertThatThrownBy(() -> only("SELECT '${env:X'", Map.of()))
                .hasMessageContaining("'${env:' is not closed with '}'");
    }

    @Test
    void plannerPositionsMapBackAcrossSubstitutions() {
        // Line 2 of the file: the value is longer than the reference, the position after it must shift back.
        RoutesStatement s = only("\nSELECT '${env:V}', bad FROM t", Map.of("V", "a-much-longer-value"));
        int columnInSql = s.sql().indexOf("bad") + 1;
        assertThat(s.filePosition(1, columnInSql)).containsExactly(2, "SELECT '${env:V}', ".length() + 1);
        // Inside the value: the start of the reference.
        assertThat(s.filePosition(1, "SELECT 'a-much".length())).containsExactly(2, "SELECT '".length() + 1);
    }

    @Test
    void maskHidesValuesInMessagesButNotShortOnes() {
        RoutesStatement s = only("SELECT '${env:A}', '${env:B}'", Map.of("A", "topsecret", "B", "1"));
        assertThat(s.mask("Encountered \"topsecret\" at line 1, column 9")).isEqualTo("Encountered \"***\" at line 1, column 9");
    }

    @Test
    void loadReadsUtf8AndIgnoresAByteOrderMark(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("bom.sql");
        java.nio.file.Files.writeString(file, "\uFEFFSELECT 'größe';\r\nSELECT 2", java.nio.charset.StandardCharsets.UTF_8);
        RoutesFile routes = RoutesFile.load(file, Map.of());
        assertThat(routes.routesStatements()).extracting(RoutesStatement::sql).containsExactly("SELECT 'größe'", "SELECT 2");
        assertThat(routes.routesStatements().get(0).column()).isEqualTo(1);
        assertThat(routes.routesStatements().get(1).line()).isEqualTo(2);
    }

    @Test
    void jobNameIsFileNameWithoutExtension() {
        assertThat(RoutesFile.parse(Path.of("dir/mqtt-to-kafka.sql"), "SELECT 1", Map.of()).jobName())
                .isEqualTo("mqtt-to-kafka");
    }
}
