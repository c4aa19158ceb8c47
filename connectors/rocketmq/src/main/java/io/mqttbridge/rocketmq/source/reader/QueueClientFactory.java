package io.mqttbridge.rocketmq.source.reader;

import io.mqttbridge.rocketmq.source.RocketMqSourceConfig;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;

/** Creates the source's RocketMQ clients; a seam so that unit tests can run the enumerator and reader against a fake. */
@Internal
@FunctionalInterface
public interface QueueClientFactory extends Serializable {

    QueueClientFactory PULL_CONSUMER = PullConsumerQueueClient::start;

    /** A started client; {@code role} ("enumerator", "reader-3") names it in RocketMQ's client list. */
    QueueClient create(RocketMqSourceConfig config, String role) throws Exception;
}
