package io.mqttbridge.connector.testing;

import org.apache.flink.api.connector.sink2.SinkWriter;

/** {@link SinkWriter.Context}s for tests that drive a sink writer directly. */
public final class SinkWriterContexts {

    /** A record without a timestamp, before any watermark: what a SQL route hands a writer. */
    public static final SinkWriter.Context NO_TIME = new SinkWriter.Context() {
        @Override
        public long currentWatermark() {
            return Long.MIN_VALUE;
        }

        @Override
        public Long timestamp() {
            return null;
        }
    };

    private SinkWriterContexts() {}
}
