package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.HashMap;
import java.util.Map;

/**
 * Refuses two INSERTs of one file whose mqtt sinks publish with the same client ids. Each INSERT runs
 * its own sink operator, and subtask n of every such sink connects as {@code <client-id-prefix>-pub-<n>}:
 * the broker ends one connection whenever the other connects (MQTT 5: DISCONNECT 0x8E, session taken
 * over), both reconnect, and so on for as long as the job runs. The effective prefix is what the sink
 * uses: an OPTIONS hint on the INSERT, else the table's option, else the table's default (one table,
 * one default - which is how two INSERTs into one table collide). Brokers are not compared: the same
 * broker may be reached under two URIs, and a prefix of its own per sink costs nothing.
 */
@Internal
final class MqttClientIdCheck {

    /** The first INSERT that publishes with each effective prefix. */
    private final Map<String, MqttLoopCheck.Publisher> firstByPrefix = new HashMap<>();

    /** Records {@code publisher}; returns why it may not run beside an earlier one, or null. */
    @Nullable
    String claim(MqttLoopCheck.Publisher publisher) {
        MqttLoopCheck.Publisher first = firstByPrefix.putIfAbsent(publisher.clientIdPrefix(), publisher);
        return first == null ? null : collision(first, publisher);
    }

    private static String collision(MqttLoopCheck.Publisher first, MqttLoopCheck.Publisher second) {
        String prefix = second.clientIdPrefix();
        RoutesStatement at = first.insert();
        boolean sameTable = first.table().equals(second.table());
        String what = sameTable
                ? "a second INSERT into mqtt table '" + second.table() + "' would publish with the client ids of the first"
                        + " (at " + at.file() + ":" + at.line() + ")"
                : "the INSERT into mqtt table '" + second.table() + "' would publish with the client ids of the INSERT into"
                        + " mqtt table '" + first.table() + "' at " + at.file() + ":" + at.line();
        String fix = sameTable
                ? "UNION ALL the queries into one INSERT INTO " + second.table() + ", or give one INSERT its own prefix: "
                        + "INSERT INTO " + second.table() + " /*+ OPTIONS('client-id-prefix'='" + prefix + "-2') */ SELECT ..."
                : "give one of them its own prefix: 'client-id-prefix' in its table's WITH options, or on the INSERT: "
                        + "INSERT INTO " + second.table() + " /*+ OPTIONS('client-id-prefix'='" + prefix + "-2') */ SELECT ...";
        return what + ": '" + prefix + "-pub-<n>' ('" + prefix + "-pub-0', '" + prefix + "-pub-1', ... one per sink subtask;"
                + " 'client-id-prefix' = '" + prefix + "'). Each INSERT runs a sink of its own, and the broker disconnects"
                + " one sink's connection whenever the other's connects (session taken over), in a loop. Fix: " + fix;
    }
}
