-- Demo routes of the local stack (./run-local). The device simulator publishes battery reports of
-- vehicles to vehicles/<id>/battery, e.g. {"vehicle":"v-017","soc":23.5,"lat":52.51,"lon":13.39,
-- "ts":1764337200000}, with the user properties message-id, client-id, vehicle-type, timestamp, seq,
-- logged in as user demo-fleet. The local stack's broker adds client-host and username on arrival
-- (and message-id, timestamp, client-id where a publisher leaves them out), as a cloud MQTT service does.
--
-- Route 1: every report into the Kafka topic vehicle-battery, keyed by vehicle, with every MQTT
--          field carried in the Kafka headers: each user property, and mqtt.topic, mqtt.packet-id,
--          mqtt.dup, mqtt.qos, mqtt.retained, mqtt.message-id, mqtt.timestamp, mqtt.client-id,
--          mqtt.client-host, mqtt.username (docs/connectors/mqtt.md).
-- Route 2: reports with less than 20 % charge into vehicle-low-battery, with the vehicle type and
--          the MQTT topic added to the value.
-- Route 3: reports with less than 15 % charge invoke the "low battery" HTTP function (the local
--          stack's endpoint at FUNCTIONS_URL/low-battery), up to 10 per call, each vehicle's in order.
-- ./run-local runs this file together with two recipes, as one job named demo:
--   sql/will-to-rocketmq.sql   will messages of the simulator's charging stations into RocketMQ
--   sql/rocketmq-to-mqtt.sql   commands from RocketMQ to the devices' MQTT topics
--
-- Routes 1 to 3 read one MQTT table, so they share one subscription: one subscriber connection, not a
-- shared group. On the embedded HiveMQ CE each acknowledgement of a shared-subscription message scans
-- the group's whole queue, so under ack-on-checkpoint a shared group levels off at a few thousand
-- messages/s and a backlog then slows it further; a plain subscription acknowledges at constant cost
-- (./run-local --rate 5000: docs/benchmarks.md, "The local stack"), and keeps each vehicle's reports in
-- order up to the function route. MQTT_URI, KAFKA_BOOTSTRAP and FUNCTIONS_URL are set by ./run-local
-- (they follow its port options); the defaults after :- fit a stack started without options.

CREATE TABLE vehicle_battery_mqtt (
  vehicle         STRING,
  soc             DOUBLE,
  lat             DOUBLE,
  lon             DOUBLE,
  ts              BIGINT,
  mqtt_topic      STRING                METADATA FROM 'topic'           VIRTUAL,
  user_properties MAP<STRING, STRING>   METADATA FROM 'user-properties' VIRTUAL,
  headers         MAP<STRING, BYTES>    METADATA FROM 'headers'         VIRTUAL
) WITH (
  'connector'        = 'mqtt',
  'server-uri'       = '${env:MQTT_URI:-tcp://127.0.0.1:1883}',
  'topic-filter'     = 'vehicles/+/battery',
  'client-id-prefix' = 'mqtt-bridge-demo',
  'qos'              = '1',
  'format'           = 'json'
);

CREATE TABLE vehicle_battery (
  vehicle STRING,
  soc     DOUBLE,
  lat     DOUBLE,
  lon     DOUBLE,
  ts      BIGINT,
  headers MAP<STRING, BYTES> METADATA FROM 'headers'
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'vehicle-battery',
  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}',
  'key.format'                   = 'raw',
  'key.fields'                   = 'vehicle',
  'value.format'                 = 'json',
  'value.fields-include'         = 'ALL',
  'sink.delivery-guarantee'      = 'at-least-once'
);

CREATE TABLE vehicle_low_battery (
  vehicle      STRING,
  vehicle_type STRING,
  soc          DOUBLE,
  lat          DOUBLE,
  lon          DOUBLE,
  ts           BIGINT,
  mqtt_topic   STRING,
  headers      MAP<STRING, BYTES> METADATA FROM 'headers'
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'vehicle-low-battery',
  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}',
  'key.format'                   = 'raw',
  'key.fields'                   = 'vehicle',
  'value.format'                 = 'json',
  'value.fields-include'         = 'ALL',
  'sink.delivery-guarantee'      = 'at-least-once'
);

CREATE TABLE low_battery_function (
  vehicle    STRING,
  soc        DOUBLE,
  lat        DOUBLE,
  lon        DOUBLE,
  ts         BIGINT,
  mqtt_topic STRING METADATA FROM 'topic',
  message_id STRING METADATA FROM 'message-id'
) WITH (
  'connector'         = 'http-function',
  'url'               = '${env:FUNCTIONS_URL:-http://127.0.0.1:8090}/low-battery',
  'max-messages'      = '10',
  'max-wait'          = '500 ms',
  'ordering'          = 'sequential',
  'ordering-key'      = 'vehicle',
  -- generous, so that ./run-local --function-fail-share 0.3 shows retries rather than restarts; one batch
  -- still ends within 4 s x 9 attempts + 9.1 s of backoff = 45.1 s, inside the 1 min checkpoint timeout
  'request-timeout'   = '4 s',
  'retries'           = '8',
  'retry-backoff'     = '100 ms',
  'retry-backoff-max' = '2 s'
);

INSERT INTO vehicle_battery
SELECT vehicle, soc, lat, lon, ts, headers
FROM vehicle_battery_mqtt;

INSERT INTO vehicle_low_battery
SELECT vehicle, user_properties['vehicle-type'], soc, lat, lon, ts, mqtt_topic, headers
FROM vehicle_battery_mqtt
WHERE soc < 20;

INSERT INTO low_battery_function
SELECT vehicle, soc, lat, lon, ts, mqtt_topic, user_properties['message-id']
FROM vehicle_battery_mqtt
WHERE soc < 15;
