package io.mqttbridge.mqtt.source.reader;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingAcksTest {

    @Test
    void acknowledgesOnlyAfterTheCoveringCheckpointCompletes() {
        PendingAcks<String> acks = new PendingAcks<>();
        acks.add("0", "m1");
        acks.add("0", "m2");
        acks.snapshot(1);
        acks.add("0", "m3"); // emitted after snapshot 1: belongs to checkpoint 2

        assertThat(acks.completed(0)).isEmpty();
        assertThat(acks.completed(1)).containsExactly("m1", "m2");
        assertThat(acks.size()).isEqualTo(1);
        assertThat(acks.completed(1)).isEmpty();

        acks.snapshot(2);
        assertThat(acks.completed(2)).containsExactly("m3");
        assertThat(acks.size()).isZero();
    }

    @Test
    void skippedNotificationIsSubsumedByTheNextInArrivalOrder() {
        PendingAcks<String> acks = new PendingAcks<>();
        acks.add("0", "a");
        acks.snapshot(1);
        acks.add("0", "b");
        acks.add("0", "c");
        acks.snapshot(2);
        acks.add("0", "d");
        acks.snapshot(3);
        acks.add("0", "e"); // not yet snapshotted

        // Notification for 1 never arrives, 2 does: 1 and 2 are released, oldest first.
        assertThat(acks.completed(2)).containsExactly("a", "b", "c");
        assertThat(acks.size()).isEqualTo(2);
        assertThat(acks.completed(3)).containsExactly("d");
        assertThat(acks.completed(10)).isEmpty();
        assertThat(acks.size()).isEqualTo(1);
    }

    @Test
    void abortedCheckpointsAcksAreReleasedByALaterOne() {
        PendingAcks<String> acks = new PendingAcks<>();
        acks.add("0", "x");
        acks.snapshot(5); // checkpoint 5 is aborted: no notification ever
        acks.snapshot(6); // nothing new
        acks.add("0", "y");
        acks.snapshot(7);

        assertThat(acks.completed(6)).containsExactly("x");
        assertThat(acks.completed(7)).containsExactly("y");
    }

    @Test
    void countsWhatIsNotYetReleasedPerSplit() {
        PendingAcks<String> acks = new PendingAcks<>();
        acks.add("0", "a");
        acks.add("1", "b");
        acks.add("0", "c");
        acks.snapshot(1);
        acks.add("0", "d"); // not yet snapshotted: pending as well

        assertThat(acks.size("0")).isEqualTo(3);
        assertThat(acks.size("1")).isEqualTo(1);
        assertThat(acks.size("2")).isZero();

        assertThat(acks.completed(1)).containsExactly("a", "b", "c");
        assertThat(acks.size("0")).isEqualTo(1);
        assertThat(acks.size("1")).isZero();
        assertThat(acks.size()).isEqualTo(1);

        // a run of one split across checkpoints, then another split
        acks.add("0", "e");
        acks.snapshot(2);
        acks.add("0", "f");
        acks.add("1", "g");
        acks.snapshot(3);
        assertThat(acks.size("0")).isEqualTo(3);
        assertThat(acks.completed(3)).containsExactly("d", "e", "f", "g");
        assertThat(acks.size("0")).isZero();
        assertThat(acks.size("1")).isZero();
        assertThat(acks.size()).isZero();
    }
}
