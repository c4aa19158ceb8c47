-- MQTT -> Kafka: low-battery alerts of the commercial fleet.
--
-- Vehicles publish battery states as JSON to vehicles/<id>/battery, e.g.
--   {"vehicle":"v-017","soc":23.5,"lat":52.51,"lon":13.39,"ts":1764337200000}
-- with MQTT 5 user properties (message-id, client-id, vehicle-type, timestamp).
-- This route keeps QoS 1 messages of vans and trucks whose state of charge is below 25 %
-- and writes them to the Kafka topic fleet-battery-alerts: key = vehicle id, value = the
-- JSON fields, and every MQTT field (topic, QoS, packet id, message id, user properties, ...)
-- as Kafka headers.
--
-- Runs on the local stack (./run-local --routes sql/mqtt-to-kafka.sql) or on any cluster:
--   MQTT_URI=tcp://broker:1883 KAFKA_BOOTSTRAP=kafka:9092 \
--     java -jar job/target/mqtt-bridge-job.jar --routes sql/mqtt-to-kafka.sql

CREATE TABLE vehicle_battery (
  vehicle     STRING,
  soc         DOUBLE,
  lat         DOUBLE,
  lon         DOUBLE,
  ts          BIGINT,
  qos         INT                 METADATA VIRTUAL,
  props       MAP<STRING, STRING> METADATA FROM 'user-properties' VIRTUAL,
  headers     MAP<STRING, BYTES>  METADATA VIRTUAL
) WITH (
  'connector'      = 'mqtt',
  'server-uri'     = '${env:MQTT_URI:-tcp://127.0.0.1:1883}',
  'topic-filter'   = 'vehicles/+/battery',
  -- every subscriber joins the shared group; the broker spreads the load. The WHERE's qos = 1 is
  -- tested in the source before decoding, which makes the group fleet-alerts-<hash> (see
  -- docs/connectors/mqtt.md, "Push-down and shared scans")
  'shared-group'   = 'fleet-alerts',
  'qos'            = '1',
  'format'         = 'json'
);

CREATE TABLE fleet_battery_alerts (
  vehicle     STRING,
  soc         DOUBLE,
  lat         DOUBLE,
  lon         DOUBLE,
  ts          BIGINT,
  headers     MAP<STRING, BYTES>  METADATA
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'fleet-battery-alerts',
  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}',
  'key.format'                   = 'raw',
  'key.fields'                   = 'vehicle',
  'value.format'                 = 'json',
  'value.fields-include'         = 'ALL',
  'sink.delivery-guarantee'      = 'at-least-once'
);

INSERT INTO fleet_battery_alerts
SELECT vehicle, soc, lat, lon, ts, headers
FROM vehicle_battery
WHERE qos = 1
  AND props['vehicle-type'] IN ('van', 'truck')
  AND soc < 25;
