-- RocketMQ -> MQTT: remote device control. Commands from a RocketMQ topic go to each device's own
-- MQTT topic.
--
-- A backend sends JSON commands to the RocketMQ topic 'device-commands', e.g.
--   {"device":"v-017","command":"unlock","request_id":"r-981"}
-- Each becomes one MQTT 5 publish (QoS 1) to devices/<device>/commands, the body as JSON, with the
-- request id and the RocketMQ message id as MQTT user properties so that the device can answer and
-- correlate. The source reads with the consumer group 'mqtt-bridge-device-commands' (its offsets are
-- in every checkpoint; committed to the broker for monitoring); a command is published, and
-- acknowledged by the MQTT broker, before the checkpoint that covers it completes (at least once).
--
-- Runs on the local stack (./run-local --routes sql/rocketmq-to-mqtt.sql) or on any cluster:
--   MQTT_URI=tcp://broker:1883 ROCKETMQ_NAMESRV=namesrv:9876 \
--     java -jar job/target/mqtt-bridge-job.jar --routes sql/rocketmq-to-mqtt.sql

CREATE TABLE device_commands_rocketmq (
  device     STRING,
  command    STRING,
  request_id STRING,
  msg_id     STRING METADATA FROM 'msg-id' VIRTUAL
) WITH (
  'connector'                = 'rocketmq',
  'name-server'              = '${env:ROCKETMQ_NAMESRV:-127.0.0.1:9876}',
  'topic'                    = 'device-commands',
  'consumer-group'           = 'mqtt-bridge-device-commands',
  'startup-mode'             = 'group-offsets',
  'format'                   = 'json',
  -- a body that is not JSON is skipped instead of stopping every device's commands
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE device_commands_mqtt (
  device     STRING,
  command    STRING,
  request_id STRING,
  -- written, not read: the MQTT topic and the MQTT 5 user properties of the row
  mqtt_topic STRING              METADATA FROM 'topic',
  properties MAP<STRING, STRING> METADATA FROM 'user-properties'
) WITH (
  'connector'        = 'mqtt',
  'server-uri'       = '${env:MQTT_URI:-tcp://127.0.0.1:1883}',
  'client-id-prefix' = 'mqtt-bridge-device-commands',
  'qos'              = '1',
  'format'           = 'json'
);

INSERT INTO device_commands_mqtt
SELECT device, command, request_id,
       'devices/' || device || '/commands',
       MAP['request-id', request_id, 'rocketmq-msg-id', msg_id]
FROM device_commands_rocketmq
-- a device id with MQTT's reserved characters would name another topic (or none)
WHERE device IS NOT NULL AND device <> ''
  AND device NOT LIKE '%/%' AND device NOT LIKE '%+%' AND device NOT LIKE '%#%';
