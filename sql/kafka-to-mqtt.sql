-- Kafka -> MQTT: commands from a Kafka topic go to each vehicle's own MQTT topic.
--
-- A backend writes JSON commands to the Kafka topic 'vehicle-commands', e.g.
--   {"vin":"v-17","command":"lock","request_id":"r-981"}
-- Each becomes one MQTT 5 publish (QoS 1) to devices/<vin>/commands, with the request id and the Kafka
-- record time as user properties, so that the device can answer and correlate. The 'topic' metadata
-- column picks the topic per row; rows are acknowledged by the broker before the checkpoint that
-- covers them completes (at least once).
--
-- Runs on the local stack (./run-local --routes sql/kafka-to-mqtt.sql --no-simulator) or on any cluster:
--   MQTT_URI=tcp://broker:1883 KAFKA_BOOTSTRAP=kafka:9092 \
--     java -jar job/target/mqtt-bridge-job.jar --routes sql/kafka-to-mqtt.sql

CREATE TABLE vehicle_commands_kafka (
  vin         STRING,
  command     STRING,
  request_id  STRING,
  kafka_time  TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'vehicle-commands',
  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}',
  'properties.group.id'          = 'mqtt-bridge-kafka-to-mqtt',
  'scan.startup.mode'            = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format'                       = 'json'
);

CREATE TABLE vehicle_commands_mqtt (
  vin        STRING,
  command    STRING,
  -- written, not read: the MQTT topic and the MQTT 5 user properties of the row
  mqtt_topic STRING METADATA FROM 'topic',
  properties MAP<STRING, STRING> METADATA FROM 'user-properties'
) WITH (
  'connector'  = 'mqtt',
  'server-uri' = '${env:MQTT_URI:-tcp://127.0.0.1:1883}',
  'qos'        = '1',
  'format'     = 'json'
);

INSERT INTO vehicle_commands_mqtt
SELECT vin, command,
       'devices/' || vin || '/commands',
       MAP['request-id', request_id, 'kafka-time', CAST(kafka_time AS STRING)]
FROM vehicle_commands_kafka
WHERE vin IS NOT NULL AND request_id IS NOT NULL;
