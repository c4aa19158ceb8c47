package io.mqttbridge.rocketmq.sink;

import io.mqttbridge.connector.metrics.LatencyTimeColumn;
import io.mqttbridge.rocketmq.RocketMqClientProperties;
import io.mqttbridge.rocketmq.RocketMqClientShutdown;
import io.mqttbridge.rocketmq.RocketMqOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.sink2.SinkWriter;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends each element asynchronously and counts the sends the broker has not acknowledged yet.
 * {@link #flush} (at every checkpoint and at the end of input) waits until that count is zero and
 * then rethrows the first failure, so a checkpoint completes only when everything before it is in
 * RocketMQ. At most {@link #MAX_IN_FLIGHT} sends are outstanding; {@link #write} blocks beyond that
 * (backpressure).
 */
@Internal
final class RocketMqSinkWriter<IN> implements SinkWriter<IN> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSinkWriter.class);

    static final int MAX_IN_FLIGHT = 1000;
    /** Added to send-timeout x (retries + 1) before a flush gives up on a callback that never came. */
    private static final long FLUSH_MARGIN_MILLIS = 30_000;

    private final RocketMqSinkConfig config;
    private final RocketMqMessageSerializer<IN> serializer;
    private final RocketMqSinkMetrics metrics;
    private final DefaultMQProducer producer;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Object lock = new Object();

    /** Sends without a callback yet; guarded by {@link #lock}. */
    private int pending;
    /** The first failed send; guarded by {@link #lock}. */
    private Exception failure;

    RocketMqSinkWriter(RocketMqSinkConfig config, RocketMqMessageSerializer<IN> serializer, RocketMqSinkMetrics metrics, int subtask)
            throws IOException {
        this.config = config;
        this.serializer = serializer;
        this.metrics = metrics;
        this.producer = createProducer(config, subtask);
        try {
            producer.start();
        } catch (MQClientException e) {
            throw new IOException("Cannot start a RocketMQ producer for name server '" + config.nameServer() + "': " + e.getMessage(), e);
        }
        LOG.info("RocketMQ sink subtask {} started: {}", subtask, config);
    }

    private static DefaultMQProducer createProducer(RocketMqSinkConfig config, int subtask) {
        DefaultMQProducer producer =
                config.credentials() == null
                        ? new DefaultMQProducer(config.producerGroup())
                        : new DefaultMQProducer(
                                config.producerGroup(),
                                new AclClientRPCHook(new SessionCredentials(config.credentials().accessKey(), config.credentials().secretKey())));
        producer.setNamesrvAddr(config.nameServer());
        // Producers of one group in one JVM (parallel subtasks, several routes) need distinct instance
        // names: RocketMQ refuses a second producer of a group on the same client instance.
        producer.setInstanceName(config.producerGroup() + "-" + subtask + "-" + UUID.randomUUID());
        producer.setSendMsgTimeout((int) config.sendTimeout().toMillis());
        producer.setRetryTimesWhenSendFailed(config.retries());
        producer.setRetryTimesWhenSendAsyncFailed(config.retries());
        RocketMqClientProperties.apply(producer, config.clientProperties());
        return producer;
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        throwFailure();
        Message message = serializer.serialize(element);
        if (message.getTopic() == null || message.getTopic().isEmpty()) {
            if (config.topic() == null) {
                throw new IOException("A row names no RocketMQ topic: its 'topic' metadata column is NULL and option '"
                        + RocketMqOptions.TOPIC.key() + "' is not set");
            }
            message.setTopic(config.topic());
        } else if (!RocketMqOptions.isValidTopicName(message.getTopic())) {
            RocketMqOptions.checkTopicName("topic (metadata column)", message.getTopic());
        }
        if (message.getTags() == null && config.tag() != null) {
            message.setTags(config.tag());
        }
        long originMillis = LatencyTimeColumn.originOrElse(
                serializer.originTimeMillis(element), context.timestamp(), System.currentTimeMillis());

        inFlight.acquire();
        synchronized (lock) {
            pending++;
        }
        String topic = message.getTopic();
        try {
            producer.send(
                    message,
                    new SendCallback() {
                        @Override
                        public void onSuccess(SendResult result) {
                            if (result.getSendStatus() == SendStatus.SEND_OK) {
                                metrics.sent(originMillis);
                                completed(null);
                            } else {
                                // Stored, but not yet flushed or replicated as the broker is configured to
                                // guarantee: treat as failed so the checkpoint does not count on it.
                                completed(failure(topic, new IOException("broker answered " + result.getSendStatus())));
                            }
                        }

                        @Override
                        public void onException(Throwable e) {
                            completed(failure(topic, e));
                        }
                    },
                    config.sendTimeout().toMillis());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            completed(failure(topic, e));
        }
    }

    private IOException failure(String topic, Throwable cause) {
        String hint =
                String.valueOf(cause.getMessage()).contains("No route info")
                        ? " (does the topic exist? brokers create topics on first use only with autoCreateTopicEnable)"
                        : "";
        return new IOException(
                "Sending to RocketMQ topic '" + topic + "' via name server '" + config.nameServer() + "' failed after "
                        + config.retries() + " retries" + hint + ": " + cause.getMessage()
                        + ". The checkpoint fails and the job resends from the previous one; no message is lost.",
                cause);
    }

    private void completed(Exception error) {
        if (error != null) {
            metrics.failed();
        }
        synchronized (lock) {
            if (error != null && failure == null) {
                failure = error;
            }
            pending--;
            lock.notifyAll();
        }
        inFlight.release();
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        long timeoutMillis = config.sendTimeout().toMillis() * (config.retries() + 1) + FLUSH_MARGIN_MILLIS;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException(pending + " sends to RocketMQ (name server '" + config.nameServer()
                            + "') were not answered within " + timeoutMillis + " ms; the checkpoint fails");
                }
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        throwFailure();
    }

    private void throwFailure() throws IOException {
        synchronized (lock) {
            if (failure != null) {
                // Sticky: a writer that lost a send must not report a later checkpoint as complete.
                Exception e = failure;
                throw e instanceof IOException ? (IOException) e : new IOException(e);
            }
        }
    }

    @VisibleForTesting
    int pending() {
        synchronized (lock) {
            return pending;
        }
    }

    @Override
    public void close() {
        RocketMqClientShutdown.shutdown(producer);
    }
}
