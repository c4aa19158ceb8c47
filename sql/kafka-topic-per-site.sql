-- MQTT -> Kafka, one Kafka topic per site: sites/<site>/temperature goes to temp-<site>.
--
-- Sensors publish JSON to sites/<site>/temperature, e.g. to sites/s2/temperature
--   {"sensor":"t-07","celsius":21.5,"ts":1764337200000}
-- The Kafka table lists the topics it may write to, and its writable 'topic' metadata column picks
-- one of them for each row: here 'temp-' and the second level of the MQTT topic. A row whose topic
-- is not in the list fails the job, so the WHERE keeps the listed sites only. (For an open set of
-- sites, see 'topic-pattern' in docs/recipes/kafka-topic-per-site.md.)
--
-- Runs on the local stack (./run-local --routes sql/kafka-topic-per-site.sql --no-simulator) or on
-- any cluster:
--   MQTT_URI=tcp://broker:1883 KAFKA_BOOTSTRAP=kafka:9092 \
--     java -jar job/target/mqtt-bridge-job.jar --routes sql/kafka-topic-per-site.sql

CREATE TABLE site_temperature_mqtt (
  sensor     STRING,
  celsius    DOUBLE,
  ts         BIGINT,
  mqtt_topic STRING METADATA FROM 'topic' VIRTUAL
) WITH (
  'connector'    = 'mqtt',
  'server-uri'   = '${env:MQTT_URI:-tcp://127.0.0.1:1883}',
  'topic-filter' = 'sites/+/temperature',
  'shared-group' = 'site-temperature',
  'qos'          = '1',
  'format'       = 'json'
);

CREATE TABLE site_temperature (
  site        STRING,
  sensor      STRING,
  celsius     DOUBLE,
  ts          BIGINT,
  -- written, not read: the Kafka topic of the row, one of the topics listed below
  kafka_topic STRING METADATA FROM 'topic'
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'temp-s1;temp-s2;temp-s3',
  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}',
  'key.format'                   = 'raw',
  'key.fields'                   = 'sensor',
  'value.format'                 = 'json',
  'value.fields-include'         = 'ALL',
  'sink.delivery-guarantee'      = 'at-least-once'
);

INSERT INTO site_temperature
SELECT MQTT_TOPIC_LEVEL(mqtt_topic, 2), sensor, celsius, ts, 'temp-' || MQTT_TOPIC_LEVEL(mqtt_topic, 2)
FROM site_temperature_mqtt
WHERE MQTT_TOPIC_LEVEL(mqtt_topic, 2) IN ('s1', 's2', 's3');
