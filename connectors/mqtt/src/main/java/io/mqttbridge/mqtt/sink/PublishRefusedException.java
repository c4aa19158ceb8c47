package io.mqttbridge.mqtt.sink;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The broker refused a PUBLISH or a CONNECT with a reason another attempt with the same settings gets
 * again (not authorized, bad login, topic name invalid, ...): the sink does not retry it, it fails
 * the checkpoint (publish) or the job (connect) with this message.
 */
@PublicEvolving
public final class PublishRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PublishRefusedException(String message) {
        super(message);
    }
}
