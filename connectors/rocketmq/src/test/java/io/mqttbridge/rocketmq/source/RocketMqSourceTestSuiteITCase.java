package io.mqttbridge.rocketmq.source;

import io.mqttbridge.connector.testing.ExternalSystemExtension;
import io.mqttbridge.connector.testing.StringSourceContext;
import io.mqttbridge.connector.testing.StringSourceSuite;
import io.mqttbridge.embedded.EmbeddedRocketMq;
import io.mqttbridge.rocketmq.RocketMqOptions.StartupMode;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    static final ExternalSystemExtension<EmbeddedRocketMq> ROCKETMQ = new ExternalSystemExtension<>(EmbeddedRocketMq::start);

    @Nested
    class FlinkSourceTestSuite extends StringSourceSuite {
        FlinkSourceTestSuite() {
            super(new MiniClusterTestEnvironment(), CheckpointingMode.EXACTLY_ONCE, name -> new QueueContext());
        }
    }

    /** One test case: a topic of its own; writer i writes to queue i. */
    static final class QueueContext extends StringSourceContext {

        private static final AtomicInteger CASES = new AtomicInteger();

        private final String topic;
        private boolean created;

        QueueContext() {
            this("suite-" + CASES.incrementAndGet() + "-" + System.nanoTime());
        }

        private QueueContext(String topic) {
            super(topic);
            this.topic = topic;
        }

        @Override
        public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
            requireUnbounded(settings, "A RocketMQ topic has no end");
            createTopic();
            return RocketMqSource.<String>builder()
                    .setNameServer(ROCKETMQ.get().nameServer())
                    .setTopic(topic)
                    .setConsumerGroup("group-" + topic)
                    .setStartupMode(StartupMode.EARLIEST)
                    .setDeserializer(RocketMqMessageDeserializer.body(new SimpleStringSchema()))
                    .build();
        }

        @Override
        protected SplitWriter openSplit(int queue) throws Exception {
            createTopic();
            if (queue >= QUEUES) {
                throw new IllegalStateException("The suite asked for more than " + QUEUES + " splits");
            }
            RocketMqTestProducer producer = new RocketMqTestProducer(ROCKETMQ.get().nameServer());
            return new SplitWriter() {
                @Override
                public void write(String record) throws Exception {
                    producer.send(topic, EmbeddedRocketMq.BROKER_NAME, queue, record);
                }

                @Override
                public void close() {
                    producer.close();
                }
            };
        }

        private void createTopic() {
            if (!created) {
                ROCKETMQ.get().createTopic(topic, QUEUES);
                created = true;
            }
        }
    }
}
