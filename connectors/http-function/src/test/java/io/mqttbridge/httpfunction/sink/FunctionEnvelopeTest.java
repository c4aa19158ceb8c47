package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The request body is valid JSON in each encoding; buffered records survive a checkpoint round trip. */
class FunctionEnvelopeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final FunctionRecord JSON_RECORD =
            new FunctionRecord("v-1", "vehicles/v-1/battery", "m-1", "{\"soc\":12.5}".getBytes(StandardCharsets.UTF_8));
    private static final FunctionRecord TEXT_RECORD =
            new FunctionRecord(null, null, null, "a,\"b\"\n\u0001ü".getBytes(StandardCharsets.UTF_8));

    @Test
    void jsonPayloadsAreEmbeddedAsJson() throws Exception {
        JsonNode body = JSON.readTree(FunctionEnvelope.toJson("fn \"x\"", PayloadEncoding.JSON, List.of(JSON_RECORD, JSON_RECORD)));
        assertThat(body.path("function").asText()).isEqualTo("fn \"x\"");
        assertThat(body.path("encoding").asText()).isEqualTo("json");
        assertThat(body.path("count").asInt()).isEqualTo(2);
        JsonNode r = body.path("records").get(0);
        assertThat(r.path("key").asText()).isEqualTo("v-1");
        assertThat(r.path("topic").asText()).isEqualTo("vehicles/v-1/battery");
        assertThat(r.path("message-id").asText()).isEqualTo("m-1");
        assertThat(r.path("payload").path("soc").asDouble()).isEqualTo(12.5);
    }

    @Test
    void textPayloadsAreEscapedStringsAndAbsentFieldsAreLeftOut() throws Exception {
        JsonNode r = JSON.readTree(FunctionEnvelope.toJson("fn", PayloadEncoding.TEXT, List.of(TEXT_RECORD))).path("records").get(0);
        assertThat(r.path("payload").asText()).isEqualTo("a,\"b\"\n\u0001ü");
        assertThat(r.has("key")).isFalse();
        assertThat(r.has("topic")).isFalse();
        assertThat(r.has("message-id")).isFalse();
    }

    @Test
    void binaryPayloadsTravelAsBase64() throws Exception {
        byte[] binary = {0, (byte) 0xff, 0x10, (byte) 0x80};
        JsonNode body = JSON.readTree(FunctionEnvelope.toJson("fn", PayloadEncoding.BASE64, List.of(FunctionRecord.of("k", binary))));
        assertThat(body.path("encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(body.path("records").get(0).path("payload").asText())).isEqualTo(binary);
    }

    @Test
    void bufferedRecordsRoundTripThroughTheStateSerializer() throws Exception {
        FunctionRecordStateSerializer serializer = new FunctionRecordStateSerializer();
        BufferedRequestState<FunctionRecord> state =
                new BufferedRequestState<>(List.of(
                        new RequestEntryWrapper<>(JSON_RECORD, JSON_RECORD.payload().length),
                        new RequestEntryWrapper<>(TEXT_RECORD, TEXT_RECORD.payload().length)));
        BufferedRequestState<FunctionRecord> back = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(back.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactly(JSON_RECORD, TEXT_RECORD);
    }
}
