package io.mqttbridge.httpfunction.sink;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The records of the ITs: sequence number n, key "k&lt;n mod keys&gt;", payload {"seq":n,"key":...}. */
final class FunctionTestRecords {

    private FunctionTestRecords() {}

    static FunctionRecord record(long seq, int keys) {
        String key = "k" + (seq % keys);
        byte[] payload = ("{\"seq\":" + seq + ",\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
        return new FunctionRecord(key, "vehicles/" + key + "/battery", "m-" + seq, payload);
    }

    static long seq(JsonNode record) {
        return record.path("payload").path("seq").asLong(-1);
    }

    /** How many times each sequence number was delivered. */
    static Map<Long, Integer> counts(List<JsonNode> records) {
        Map<Long, Integer> counts = new TreeMap<>();
        for (JsonNode r : records) {
            counts.merge(seq(r), 1, Integer::sum);
        }
        return counts;
    }

    /** Sequence numbers per key, in delivery order. */
    static Map<String, List<Long>> perKey(List<JsonNode> records) {
        Map<String, List<Long>> perKey = new HashMap<>();
        for (JsonNode r : records) {
            perKey.computeIfAbsent(r.path("key").asText(), k -> new ArrayList<>()).add(seq(r));
        }
        return perKey;
    }
}
