-- MQTT -> function: call a "low battery" function for every vehicle report below 15 % charge.
--
-- Vehicles publish battery states as JSON to vehicles/<id>/battery, e.g.
--   {"vehicle":"v-017","soc":12.5,"lat":52.51,"lon":13.39,"ts":1764337200000}
-- with the MQTT 5 user property message-id. Reports below the threshold invoke the HTTP function
-- at FUNCTIONS_URL/low-battery with the vehicle id and position, up to 10 records per invocation,
-- each vehicle's reports in order (one request in flight per vehicle), retried on 408/429/5xx.
-- The request body (the envelope) looks like:
--   {"function":"low_battery_fn","encoding":"json","count":1,"records":[{"key":"v-017",
--    "topic":"vehicles/v-017/battery","message-id":"...","payload":{"vehicle":"v-017",
--    "soc":12.5,"lat":52.51,"lon":13.39,"ts":1764337200000}}]}
--
-- Runs on the local stack (./run-local --routes sql/low-battery-function.sql; its function
-- endpoint logs every invocation) or on any cluster:
--   MQTT_URI=tcp://broker:1883 FUNCTIONS_URL=https://fn.example.com FUNCTION_TOKEN=... \
--     java -jar job/target/mqtt-bridge-job.jar --routes sql/low-battery-function.sql

CREATE TABLE battery_reports (
  vehicle     STRING,
  soc         DOUBLE,
  lat         DOUBLE,
  lon         DOUBLE,
  ts          BIGINT,
  mqtt_topic  STRING METADATA FROM 'topic'      VIRTUAL,
  message_id  STRING METADATA FROM 'message-id' VIRTUAL
) WITH (
  'connector'        = 'mqtt',
  'server-uri'       = '${env:MQTT_URI:-tcp://127.0.0.1:1883}',
  'topic-filter'     = 'vehicles/+/battery',
  'shared-group'     = 'low-battery-function',
  'client-id-prefix' = 'mqtt-bridge-low-battery-function',
  'qos'              = '1',
  'format'           = 'json'
);

CREATE TABLE low_battery_fn (
  vehicle     STRING,
  soc         DOUBLE,
  lat         DOUBLE,
  lon         DOUBLE,
  ts          BIGINT,
  mqtt_topic  STRING METADATA FROM 'topic',
  message_id  STRING METADATA FROM 'message-id'
) WITH (
  'connector'              = 'http-function',
  'url'                    = '${env:FUNCTIONS_URL:-http://127.0.0.1:8090}/low-battery',
  -- a secret travels as a header, read from the environment; it is never logged
  'headers.Authorization'  = 'Bearer ${env:FUNCTION_TOKEN:-local-dev-token}',
  'max-messages'           = '10',
  'max-wait'               = '500 ms',
  'ordering'               = 'sequential',
  'ordering-key'           = 'vehicle',
  -- one batch ends within 5 s x 6 attempts + 6.2 s of backoff, inside the 1 min checkpoint timeout
  'request-timeout'        = '5 s',
  'retries'                = '5',
  'retry-backoff'          = '200 ms',
  'failure-handling'       = 'fail'
);

INSERT INTO low_battery_fn
SELECT vehicle, soc, lat, lon, ts, mqtt_topic, message_id
FROM battery_reports
WHERE soc < 15;
