package io.mqttbridge.mqtt.source.reader;

import io.mqttbridge.embedded.LogCapture;
import io.mqttbridge.mqtt.MqttMessage;
import io.mqttbridge.mqtt.source.MqttMessageDeserializer;
import io.mqttbridge.mqtt.source.split.MqttSubscriberSplit;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttRecordEmitterTest {

    private static final MqttSubscriberSplit SPLIT = MqttSubscriberSplit.of("p", 0);

    private final PendingAcks<MqttReceivedMessage.Ack> acks = new PendingAcks<>();
    private final SimpleCounter failures = new SimpleCounter();
    private final MqttRecordEmitter<String> emitter = new MqttRecordEmitter<>(new Utf8(), acks, failures);

    @Test
    void emitsTheRecordsThenFilesTheAck() throws Exception {
        TestingReaderOutput<String> output = new TestingReaderOutput<>();

        emitter.emitRecord(received("ok"), output, SPLIT);

        assertThat(output.getEmittedRecords()).containsExactly("ok");
        assertThat(acks.size()).isEqualTo(1);
        assertThat(failures.getCount()).isZero();
    }

    @Test
    void aMessageThatAChainedOperatorRefusesIsNamedCountedRethrownAndNotAcknowledged() throws Exception {
        IllegalStateException refused = new IllegalStateException("column 'temp' must not be null");
        ReaderOutput<String> failing = new TestingReaderOutput<>() {
            @Override
            public void collect(String record) {
                throw refused;
            }
        };

        try (LogCapture logs = new LogCapture(MqttRecordEmitter.class.getName())) {
            assertThatThrownBy(() -> emitter.emitRecord(received("x"), failing, SPLIT)).isSameAs(refused);

            assertThat(logs.errors("")).containsExactly(
                    "The MQTT message on topic 'sensors/s-1/temp' packet id 7 [described] (client id 'p-0') failed the "
                            + "job in the source or an operator chained to it. It is not acknowledged; the broker "
                            + "delivers it again after the restart, where it fails the job again unless the cause is "
                            + "fixed (for a payload that cannot be decoded, see the table option "
                            + "'decode-error-handling'). Cause: java.lang.IllegalStateException: column 'temp' must "
                            + "not be null");
        }
        assertThat(failures.getCount()).isEqualTo(1);
        assertThat(acks.size()).isZero();
    }

    @Test
    void aDeserializerFailureIsNamedAndCountedToo() throws Exception {
        try (LogCapture logs = new LogCapture(MqttRecordEmitter.class.getName())) {
            assertThatThrownBy(() -> emitter.emitRecord(received("bad"), new TestingReaderOutput<>(), SPLIT))
                    .isInstanceOf(IOException.class);
            assertThat(logs.errors("topic 'sensors/s-1/temp' packet id 7 [described]")).hasSize(1);
        }
        assertThat(failures.getCount()).isEqualTo(1);
        assertThat(acks.size()).isZero();
    }

    @Test
    void aFailureWhileTheTaskIsCancelledIsNotBlamedOnTheMessage() {
        ReaderOutput<String> interrupted = new TestingReaderOutput<>() {
            @Override
            public void collect(String record) {
                throw new RuntimeException(new InterruptedException());
            }
        };
        try (LogCapture logs = new LogCapture(MqttRecordEmitter.class.getName())) {
            assertThatThrownBy(() -> emitter.emitRecord(received("x"), interrupted, SPLIT))
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(logs.errors("")).isEmpty();
        }
        assertThat(failures.getCount()).isZero();
    }

    private static MqttReceivedMessage received(String payload) {
        MqttMessage message = MqttMessage.builder()
                .setTopic("sensors/s-1/temp")
                .setPayload(payload.getBytes(StandardCharsets.UTF_8))
                .setQos(1)
                .setPacketId(7)
                .build();
        return new MqttReceivedMessage(SPLIT.splitId(), message, () -> true);
    }

    /** Passes the payload as text; "bad" cannot be decoded. Names messages the way a deserializer may. */
    private static final class Utf8 implements MqttMessageDeserializer<String> {
        @Override
        public void deserialize(MqttMessage message, Collector<String> out) throws IOException {
            String text = new String(message.payload(), StandardCharsets.UTF_8);
            if (text.equals("bad")) {
                throw new IOException("cannot decode " + message.describe());
            }
            out.collect(text);
        }

        @Override
        public String describe(MqttMessage message) {
            return message.describe() + " [described]";
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
