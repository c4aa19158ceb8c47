package io.mqttbridge.httpfunction.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.FlinkRuntimeException;

/** A batch could not be delivered and {@code failure-handling} is 'fail'. */
@PublicEvolving
public final class FunctionInvocationException extends FlinkRuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public FunctionInvocationException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The last HTTP status, or -1 when there was no response (timeout, connection error). */
    public int status() {
        return status;
    }
}
