package io.mqttbridge.httpfunction.sink;

import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FunctionRecordStateSerializerTest {

    /**
     * A checkpoint's sink state written by version 1 of the serializer (commit 0299249, before the
     * option rework): the record {@link #SAMPLE} (51 bytes) and a record with only a 2-byte binary
     * payload. Savepoints hold these bytes, so they must stay readable as long as version 1 is read.
     */
    private static final String VERSION_1_BYTES =
            "ffffffffffffffff00000002"
                    + "0000000000000033"
                    + "00000005" + "6465762d37"
                    + "00000016" + "76656869636c65732f6465762d372f62617474657279"
                    + "00000004" + "6d2d3432"
                    + "0000000a" + "7b22736f63223a31377d"
                    + "0000000000000002"
                    + "ffffffff" + "ffffffff" + "ffffffff"
                    + "00000002" + "00ff";

    private static final FunctionRecord SAMPLE =
            new FunctionRecord("dev-7", "vehicles/dev-7/battery", "m-42", "{\"soc\":17}".getBytes(StandardCharsets.UTF_8));
    private static final FunctionRecord PAYLOAD_ONLY = new FunctionRecord(null, null, null, new byte[] {0, (byte) 0xff});

    @Test
    void readsStateWrittenByVersion1() throws Exception {
        FunctionRecordStateSerializer serializer = new FunctionRecordStateSerializer();

        BufferedRequestState<FunctionRecord> state =
                serializer.deserialize(1, HexFormat.of().parseHex(VERSION_1_BYTES));

        assertThat(state.getBufferedRequestEntries())
                .extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactly(SAMPLE, PAYLOAD_ONLY);
        assertThat(state.getBufferedRequestEntries())
                .extracting(RequestEntryWrapper::getSize)
                .containsExactly(51L, 2L);
    }

    @Test
    void version1WritesExactlyTheLayoutOldSavepointsHold() throws Exception {
        BufferedRequestState<FunctionRecord> state =
                new BufferedRequestState<>(List.of(new RequestEntryWrapper<>(SAMPLE, 51), new RequestEntryWrapper<>(PAYLOAD_ONLY, 2)));

        byte[] bytes = new FunctionRecordStateSerializer.Version1().serialize(state);

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(VERSION_1_BYTES);
    }

    @Test
    void writesVersion2WithTheOriginTimeAfterTheVersion1Fields() throws Exception {
        FunctionRecordStateSerializer serializer = new FunctionRecordStateSerializer();
        FunctionRecord withOrigin = new FunctionRecord(
                SAMPLE.key(), SAMPLE.topic(), SAMPLE.messageId(), SAMPLE.payload(), 1_700_000_000_123L);
        BufferedRequestState<FunctionRecord> state =
                new BufferedRequestState<>(List.of(new RequestEntryWrapper<>(withOrigin, 51), new RequestEntryWrapper<>(PAYLOAD_ONLY, 2)));

        byte[] bytes = serializer.serialize(state);
        assertThat(serializer.getVersion()).isEqualTo(2);
        // version 1's layout with 8 bytes of origin time after each record's payload: 1700000000123 and -1
        String version2 = VERSION_1_BYTES.replace("7b22736f63223a31377d", "7b22736f63223a31377d" + "0000018bcfe5687b")
                + "ffffffffffffffff";
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(version2);
        assertThat(serializer.deserialize(2, bytes).getBufferedRequestEntries())
                .extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactly(withOrigin, PAYLOAD_ONLY);
    }

    @Test
    void recordsRestoredFromVersion1HaveNoOriginTime() throws Exception {
        BufferedRequestState<FunctionRecord> state =
                new FunctionRecordStateSerializer().deserialize(1, HexFormat.of().parseHex(VERSION_1_BYTES));
        assertThat(state.getBufferedRequestEntries()).extracting(e -> e.getRequestEntry().originMillis()).containsExactly(-1L, -1L);
    }
}
