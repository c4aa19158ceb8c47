package io.mqttbridge.tests.cluster;

import io.mqttbridge.embedded.EmbeddedHiveMq;
import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.embedded.FreePorts;
import io.mqttbridge.embedded.KafkaTopicReader;
import io.mqttbridge.embedded.MqttTestPublisher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
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
        Map<String, String> settings = StandaloneFlinkCluster.shippedCheckpointSettings(tmp);

        try (EmbeddedHiveMq mqtt = EmbeddedHiveMq.start(FreePorts.pick(), tmp.resolve("mqtt"));
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

            try (KafkaTopicReader kafkaTopic = KafkaTopicReader.open(kafka.bootstrapServers(), "numbers", false);
                    MqttTestPublisher device = MqttTestPublisher.connect(mqtt.serverUri(), "number-publisher")) {
                NumbersRoute.awaitSubscribed(device, kafkaTopic, flink);
                MqttTestPublisher.publishNumbered(List.of(device), "numbers/device-1", 1, COUNT, NumbersRoute::payload);
                flink.await(() -> NumbersRoute.read(kafkaTopic).complete(1, COUNT), Duration.ofSeconds(60),
                        () -> "all " + COUNT + " numbers in Kafka; missing: " + NumbersRoute.read(kafkaTopic).missing(1, COUNT));
                assertThat(NumbersRoute.read(kafkaTopic).distinct()).containsExactlyElementsOf(LongStream.rangeClosed(1, COUNT).boxed().collect(Collectors.toList()));
                assertThat(flink.jobState()).isEqualTo("RUNNING");
            }
            System.out.printf("application mode: JobManager start to all tasks running %d ms%n", started);
        }
    }
}
