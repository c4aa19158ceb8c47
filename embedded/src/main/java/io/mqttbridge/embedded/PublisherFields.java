package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Whether the embedded HiveMQ CE stamps the publisher fields - message id, server time, publisher
 * client id, host and user name - on every message as MQTT 5 user properties
 * ({@link PublisherFieldsExtension}), as a cloud MQTT service does. MQTT itself carries none of them
 * to subscribers.
 */
@PublicEvolving
public enum PublisherFields {
    /** Messages pass unchanged: subscribers see only what the publisher set. */
    OFF,
    /** Adds each field the publisher did not set; a property the publisher set is kept as it is. */
    ADD_MISSING,
    /** Sets every field from the broker's view, replacing what the publisher set under those names. */
    OVERWRITE
}
