package io.mqttbridge.rocketmq.source.reader;

import io.mqttbridge.rocketmq.source.split.RocketMqQueueSplit;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RocketMqSplitReaderTest {

    private final FakeQueueClient client = new FakeQueueClient();

    private static List<String> bodies(RecordsWithSplitIds<MessageExt> records) {
        List<String> result = new ArrayList<>();
        for (String split = records.nextSplit(); split != null; split = records.nextSplit()) {
            for (MessageExt m = records.nextRecordFromSplit(); m != null; m = records.nextRecordFromSplit()) {
                result.add(split + ":" + m.getQueueOffset() + ":" + new String(m.getBody(), StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    @Test
    void pullsFromTheSplitsOffsetAndGoesOnFromTheBrokersNextOffset() {
        MessageQueue queue = client.addQueue("t", "b", 0, 0);
        for (int i = 0; i < 5; i++) {
            client.append(queue, "m" + i, i);
        }
        RocketMqSplitReader reader = new RocketMqSplitReader(client, "*", 2);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(RocketMqQueueSplit.of(queue, 1))));

        List<String> read = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            read.addAll(bodies(reader.fetch()));
        }

        assertThat(read).containsExactly("t@b#0:1:m1", "t@b#0:2:m2", "t@b#0:3:m3", "t@b#0:4:m4");
        assertThat(client.pulls).containsExactly("0@1", "0@3", "0@5");
    }

    @Test
    void aFailedPullIsRetriedAtTheSameOffset() {
        MessageQueue queue = client.addQueue("t", "b", 0, 0);
        client.append(queue, "m0", 0);
        RocketMqSplitReader reader = new RocketMqSplitReader(client, "*", 32);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(RocketMqQueueSplit.of(queue, 0))));

        client.failPulls = true;
        assertThat(bodies(reader.fetch())).isEmpty();
        client.failPulls = false;
        List<String> read = new ArrayList<>();
        for (int fetches = 0; fetches < 100 && read.isEmpty(); fetches++) {
            read.addAll(bodies(reader.fetch())); // waits out the retry delay
        }

        assertThat(read).containsExactly("t@b#0:0:m0");
        assertThat(client.pulls).containsExactly("0@0", "0@0");
    }
}
