package io.mqttbridge.mqtt.filter;

import org.apache.flink.annotation.Internal;

/** A message filter that does not parse: what was expected, where (1 = the first character) and what was found. */
@Internal
public final class MessageFilterSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int position;
    private final String expectation;

    MessageFilterSyntaxException(String expected, int position, String found) {
        super("expected " + expected + " at position " + position + ", found " + found);
        this.position = position;
        this.expectation = expected + " at position " + position + ", found " + found;
    }

    /** The message without its leading "expected ", for OptionChecks' "...: expected ..." wording. */
    public String expectation() {
        return expectation;
    }

    /** 1-based. */
    public int position() {
        return position;
    }
}
