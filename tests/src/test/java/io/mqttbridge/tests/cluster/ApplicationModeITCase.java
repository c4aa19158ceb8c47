package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.MosquittoBroker;
import io.mqttbridge.routes.FlinkConfigFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job jar in application mode, the way k8s/flink-deployment.yaml runs it: the jar in {@code
 * usrlib/}, {@code RoutesJob --routes FILE} run inside the JobManager with the broker addresses
 * from the process environment (in Kubernetes: the pod's env and Secret). The route runs and
 * delivers every number.
 */
class ApplicationModeITCase {

    private static final long COUNT = 500;

    @Test
    void routesJobRunsInsideTheJobManagerInApplicationMode(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = new HashMap<>(FlinkConfigFile.loadFlat(
                StandaloneFlinkCluster.repository().resolve("checkpoints-config/config.yaml")));
        settings.put("execution.checkpointing.dir", tmp.resolve("checkpoints").toUri().toString());
        settings.put("execution.checkpointing.savepoint-dir", tmp.resolve("savepoints").toUri().toString());

        try (EmbeddedHiveMq mqtt = EmbeddedHiveMq.start(MosquittoBroker.freePort(), tmp.resolve("mqtt"));
                EmbeddedKafka kafka = EmbeddedKafka.start(0, tmp.resolve("kafka"));
                StandaloneFlinkCluster flink = StandaloneFlinkCluster.configure(tmp.resolve("flink"), settings)) {
            kafka.createTopic("numbers", 1);

            long t0 = System.nanoTime();
            flink.startApplicationJobManager(
                    StandaloneFlinkCluster.jobJar(),
                    "io.mqttbridge.RoutesJob",
                    List.of("--routes", ClusterRecoveryITCase.resource("cluster/numbers-to-kafka.sql").toString()),
                    Map.of("MQTT_URI", mqtt.serverUri(), "KAFKA_BOOTSTRAP", kafka.bootstrapServers()));
            flink.startTaskManager();
            flink.await(flink::allTasksRunning, Duration.ofSeconds(120),
                    () -> "the application's job with every task RUNNING; job " + flink.jobState() + ", exceptions: " + flink.jobExceptions());
            long started = (System.nanoTime() - t0) / 1_000_000;

            try (NumbersInKafka numbers = new NumbersInKafka(kafka.bootstrapServers(), "numbers");
                    NumberPublisher publisher = new NumberPublisher(mqtt.serverUri(), "numbers/device-1", COUNT, 500)) {
                numbers.awaitSubscribed(mqtt, flink);
                publisher.start();
                flink.await(publisher::done, Duration.ofSeconds(60), "the publisher to send all " + COUNT);
                flink.await(() -> numbers.poll().size() == COUNT, Duration.ofSeconds(60),
                        () -> "all " + COUNT + " numbers in Kafka; missing: " + numbers.missing(COUNT));
                assertThat(numbers.poll()).containsExactlyElementsOf(LongStream.rangeClosed(1, COUNT).boxed().collect(Collectors.toList()));
                assertThat(flink.jobState()).isEqualTo("RUNNING");
            }
            System.out.printf("application mode: JobManager start to all tasks running %d ms%n", started);
        }
    }
}
