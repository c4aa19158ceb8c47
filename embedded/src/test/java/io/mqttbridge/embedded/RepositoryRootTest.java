package io.mqttbridge.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryRootTest {

    @Test
    void foundAboveTheModuleFolder() {
        Path root = RepositoryRoot.path();
        assertThat(root.resolve("embedded/pom.xml")).isRegularFile();
        assertThat(Path.of("").toAbsolutePath()).startsWith(root);
        assertThat(RepositoryRoot.resolve("checkpoints-config/config.yaml")).isRegularFile();
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> RepositoryRoot.resolve("no/such/file.sql"))
                .hasMessageContaining("no/such/file.sql").hasMessageContaining("does not exist");
    }

    @Test
    void homePropertyNamesTheRootAndIsChecked(@TempDir Path dir) throws Exception {
        String previous = System.getProperty(RepositoryRoot.HOME_PROPERTY);
        try {
            System.setProperty(RepositoryRoot.HOME_PROPERTY, dir.toString());
            assertThatThrownBy(RepositoryRoot::path).hasMessageContaining(dir.toString()).hasMessageContaining("not the mqtt-bridge checkout");
            Files.writeString(dir.resolve("run-local"), "");
            Files.writeString(dir.resolve("pom.xml"), "");
            assertThat(RepositoryRoot.path()).isEqualTo(dir.toAbsolutePath());
        } finally {
            if (previous == null) {
                System.clearProperty(RepositoryRoot.HOME_PROPERTY);
            } else {
                System.setProperty(RepositoryRoot.HOME_PROPERTY, previous);
            }
        }
    }
}
