package io.mqttbridge.tests.fields;

import io.mqttbridge.embedded.PublisherFieldsExtension;
import io.mqttbridge.mqtt.table.MqttTableOptions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded broker stamps the publisher fields under the names the {@code mqtt} table reads by
 * default; embedded/ does not know the connector, so this is where the two meet.
 */
class PublisherFieldNamesTest {

    @Test
    void stampedPropertyNamesAreTheTablesDefaults() {
        assertThat(PublisherFieldsExtension.MESSAGE_ID).isEqualTo(MqttTableOptions.MESSAGE_ID_PROPERTY.defaultValue());
        assertThat(PublisherFieldsExtension.TIMESTAMP).isEqualTo(MqttTableOptions.TIMESTAMP_PROPERTY.defaultValue());
        assertThat(PublisherFieldsExtension.CLIENT_ID).isEqualTo(MqttTableOptions.CLIENT_ID_PROPERTY.defaultValue());
        assertThat(PublisherFieldsExtension.CLIENT_HOST).isEqualTo(MqttTableOptions.CLIENT_HOST_PROPERTY.defaultValue());
        assertThat(PublisherFieldsExtension.USERNAME).isEqualTo(MqttTableOptions.USERNAME_PROPERTY.defaultValue());
    }
}
