package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline, the program a user would write instead of the bridge: MQTT subscriber callbacks
 * that produce each message to Kafka ({@code acks=all}) and acknowledge it to the broker only when
 * Kafka has acknowledged it (manual acknowledgement), so that nothing is lost either. One producer
 * shared by all subscriber connections.
 */
final class HandWrittenBridge implements Contender {

    private final EmbeddedKafka kafka;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final SharedSubscribers subscribers;

    HandWrittenBridge(String serverUri, String group, String topicFilter, int subscribers, EmbeddedKafka kafka, String topic)
            throws Exception {
        this.kafka = kafka;
        this.topic = topic;
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
        try {
            this.subscribers = SharedSubscribers.connect(serverUri, group, topicFilter, subscribers, true, message ->
                    producer.send(new ProducerRecord<>(topic, message.getPayloadAsBytes()), (metadata, error) -> {
                        if (error == null) {
                            message.acknowledge();
                        } else {
                            // not acknowledged: the broker redelivers it on the next connection
                            failure.compareAndSet(null, error);
                        }
                    }));
        } catch (Exception e) {
            producer.close();
            throw e;
        }
    }

    @Override
    public long arrived() {
        return kafka.endOffset(topic);
    }

    @Override
    public void checkRunning() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("The hand-written bridge could not write to Kafka", e);
        }
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        subscribers.close();
        producer.close();
    }
}
