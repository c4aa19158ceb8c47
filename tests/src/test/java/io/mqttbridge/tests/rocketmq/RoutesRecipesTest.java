package io.mqttbridge.tests.rocketmq;

import io.mqttbridge.embedded.RepositoryRoot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each recipe page of docs/recipes/ for the RocketMQ routes files shows the file's INSERT as it is
 * (the routes its tests run) and the command that runs the file on the local stack.
 */
class RoutesRecipesTest {

    @ParameterizedTest
    @ValueSource(strings = {"will-to-rocketmq", "rocketmq-to-mqtt", "rocketmq-replication"})
    void recipePageShowsTheInsertOfItsRoutesFileAndHowToRunIt(String name) throws Exception {
        String file = Files.readString(RepositoryRoot.resolve("sql/" + name + ".sql"));
        String page = Files.readString(RepositoryRoot.resolve("docs/recipes/" + name + ".md"));
        String insert = file.substring(file.indexOf("INSERT INTO")).strip();
        assertThat(page).contains(insert);
        assertThat(page).contains("./run-local --routes sql/" + name + ".sql");
        assertThat(page).contains("java -jar job/target/mqtt-bridge-job.jar --routes sql/" + name + ".sql");
        assertThat(Files.readString(RepositoryRoot.resolve("docs/routes.md"))).contains("recipes/" + name + ".md");
    }
}
