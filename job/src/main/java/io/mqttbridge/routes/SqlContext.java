package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

/** Lexical context of one character of a routes file, as the statement splitter saw it. */
@Internal
enum SqlContext {
    CODE,
    /** Inside '...' (a '' pair is an escaped quote). */
    STRING,
    /** Inside "..." (an identifier; "" is an escaped quote). */
    DOUBLE_QUOTED,
    /** Inside `...` (an identifier; `` is an escaped backtick). */
    BACKTICK,
    COMMENT;

    /** The quote character a substituted value must escape by doubling, or 0 when nothing needs escaping. */
    char quote() {
        switch (this) {
            case STRING:
                return '\'';
            case DOUBLE_QUOTED:
                return '"';
            case BACKTICK:
                return '`';
            default:
                return 0;
        }
    }
}
