package io.mqttbridge.rocketmq.source;

import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flink's own source test suite (flink-connector-test-utils) against the RocketMQ source, with the
 * embedded name server and broker as the external system: a "split" of the suite is one message
 * queue of the case's topic ({@value #QUEUES} queues, written one per writer), read from the
 * earliest offset. Per-split order and EXACTLY_ONCE are checked as the suite defines them: a queue
 * keeps order and the source checkpoints its offsets.
 *
 * <p>What runs: restart from a savepoint, scale up and down, source metrics and TaskManager
 * failure, all on the unbounded source. What the suite skips itself (the source throws
 * {@link UnsupportedOperationException} for a bounded setting): single split, multiple splits and
 * idle reader, which need a bounded source; a RocketMQ topic has no end, and the source is
 * unbounded only.
 */
class RocketMqSourceTestSuiteITCase {

    static final int QUEUES = 8;

    @TempDir static Path folder;
    static EmbeddedRocketMq rocketMq;

    @BeforeAll
    static void start() throws Exception {
        rocketMq = EmbeddedRocketMq.start(folder.resolve("rocketmq"));
    }

    @AfterAll
    static void stop() {
        rocketMq.close();
    }

    @Nested
    class FlinkSourceTestSuite extends SourceTestSuiteBase<String> {

        @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

        @TestSemantics CheckpointingMode[] semantics = new CheckpointingMode[] {CheckpointingMode.EXACTLY_ONCE};

        @TestContext ExternalContextFactory<QueueContext> contexts = name -> new QueueContext();
    }

    /** One test case: a topic of its own; writer i writes to queue i. */
    static final class QueueContext implements DataStreamSourceExternalContext<String> {

        private static final AtomicInteger CASES = new AtomicInteger();

        private final String topic = "suite-" + CASES.incrementAndGet() + "-" + System.nanoTime();
        private final List<RocketMqTestProducer> producers = new ArrayList<>();
        private boolean created;

        @Override
        public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
            if (settings.getBoundedness() != Boundedness.CONTINUOUS_UNBOUNDED) {
                throw new UnsupportedOperationException("A RocketMQ topic has no end: the source is unbounded only");
            }
            createTopic();
            return RocketMqSource.<String>builder()
                    .setNameServer(rocketMq.nameServer())
                    .setTopic(topic)
                    .setConsumerGroup("group-" + topic)
                    .setStartupMode(StartupMode.EARLIEST)
                    .setDeserializer(RocketMqMessageDeserializer.body(new SimpleStringSchema()))
                    .build();
        }

        @Override
        public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(TestingSourceSettings settings) {
            createTopic();
            int queue = producers.size();
            if (queue >= QUEUES) {
                throw new IllegalStateException("The suite asked for more than " + QUEUES + " splits");
            }
            RocketMqTestProducer producer;
            try {
                producer = new RocketMqTestProducer(rocketMq.nameServer());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            producers.add(producer);
            return new ExternalSystemSplitDataWriter<>() {
                @Override
                public void writeRecords(List<String> records) {
                    try {
                        for (String record : records) {
                            producer.send(topic, EmbeddedRocketMq.BROKER_NAME, queue, record);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("Could not write to queue " + queue + " of " + topic, e);
                    }
                }

                @Override
                public void close() {
                    producer.close();
                }
            };
        }

        private void createTopic() {
            if (!created) {
                rocketMq.createTopic(topic, QUEUES);
                created = true;
            }
        }

        @Override
        public List<String> generateTestData(TestingSourceSettings settings, int splitIndex, long seed) {
            Random random = new Random(seed);
            int n = 50 + random.nextInt(100);
            List<String> data = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                data.add(topic + "/" + splitIndex + "/" + i + "-" + Long.toHexString(random.nextLong()));
            }
            return data;
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }

        @Override
        public List<URL> getConnectorJarPaths() {
            return List.of();
        }

        @Override
        public void close() {
            producers.forEach(RocketMqTestProducer::close);
        }
    }
}
