package io.mqttbridge.rocketmq.source;

import org.apache.flink.annotation.PublicEvolving;

/** Where the source starts in each queue it finds at its first start ('startup-mode'). */
@PublicEvolving
public enum StartupMode {
    /** The oldest message the broker keeps. */
    EARLIEST("earliest"),
    /** Messages written after the source found the queue. */
    LATEST("latest"),
    /** The first message stored at or after 'startup-timestamp'. */
    TIMESTAMP("timestamp"),
    /** The consumer group's committed offset; a queue without one starts at the earliest message. */
    GROUP_OFFSETS("group-offsets");

    private final String value;

    StartupMode(String value) {
        this.value = value;
    }

    /** As written in SQL. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
