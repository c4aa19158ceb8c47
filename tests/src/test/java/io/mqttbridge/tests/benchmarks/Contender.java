package io.mqttbridge.tests.benchmarks;

/** What carries the workload's messages in one run: the broker limit, the baseline or mqtt-bridge. */
interface Contender extends AutoCloseable {

    /** The three contenders; ratios are taken to the first two, measured in the same run. */
    enum Kind {
        LIMIT("broker limit"),
        BASELINE("hand-written bridge"),
        BRIDGE("mqtt-bridge");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    /** Messages arrived so far, probes included: records written to Kafka, or messages counted. */
    long arrived();

    /** Throws, with the cause, when the contender stopped working (job ended, producer failed). */
    void checkRunning();

    /** The Kafka topic it writes to; null when it writes nowhere (the counting subscriber). */
    String topic();
}
