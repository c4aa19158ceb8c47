package io.mqttbridge.connector.table;

import org.apache.flink.table.api.ValidationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TableValidationTest {

    @Test
    void failedCheckNamesTheTableAndKeepsTheCheckAsCause() {
        IllegalArgumentException check =
                new IllegalArgumentException("Invalid value 'x' for option 'topic': expected a topic name");

        ValidationException error = TableValidation.failed(check, "`default_catalog`.`default_database`.`wills`");

        assertThat(error).hasMessage(
                "Invalid value 'x' for option 'topic': expected a topic name (table `default_catalog`.`default_database`.`wills`)");
        assertThat(error.getCause()).isSameAs(check);
    }
}
