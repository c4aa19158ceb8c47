package io.mqttbridge.connector.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;

/**
 * A failed option check ({@code OptionChecks}) as the planner reports it: a {@link
 * ValidationException} with the check's message and the table it concerns, so that a routes file
 * with several tables of one connector says which one to fix.
 */
@Internal
public final class TableValidation {

    private TableValidation() {}

    /** "&lt;message&gt; (table &lt;table&gt;)", caused by {@code failedCheck}. */
    public static ValidationException failed(IllegalArgumentException failedCheck, String table) {
        return new ValidationException(failedCheck.getMessage() + " (table " + table + ")", failedCheck);
    }
}
