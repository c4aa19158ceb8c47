-- MQTT -> RocketMQ: will messages of EV charging stations into one RocketMQ topic.
--
-- Each charging station connects with a will on stations/<id>/will, e.g.
--   {"station":"cs-001","status":"offline","connected-at":1764337200000}
-- When a station drops off without a DISCONNECT (power cut, network loss) the broker publishes its
-- will. This route forwards every will to the RocketMQ topic 'station-wills' (tag 'will'), with the
-- station id taken from the MQTT topic (MQTT_TOPIC_LEVEL: level 2 of stations/<id>/will) into the
-- body, the message keys (RocketMQ indexes them: look a station up by id) and the user property
-- 'station-id'. Every MQTT field (mqtt.topic, mqtt.qos, mqtt.client-id, ..., and the MQTT user
-- properties) travels as a RocketMQ user property (the 'properties' metadata, docs/connectors/mqtt.md).
-- RocketMQ topic names cannot contain '/', hence one fixed topic and the station in keys and properties.
--
-- Runs on the local stack (./run-local --routes sql/will-to-rocketmq.sql) or on any cluster:
--   MQTT_URI=tcp://broker:1883 ROCKETMQ_NAMESRV=namesrv:9876 \
--     java -jar job/target/mqtt-bridge-job.jar --routes sql/will-to-rocketmq.sql

CREATE TABLE station_wills_mqtt (
  status         STRING,
  `connected-at` BIGINT,
  mqtt_topic     STRING                METADATA FROM 'topic'      VIRTUAL,
  properties     MAP<STRING, STRING>   METADATA FROM 'properties' VIRTUAL
) WITH (
  'connector'                 = 'mqtt',
  'server-uri'                = '${env:MQTT_URI:-tcp://127.0.0.1:1883}',
  'topic-filter'              = 'stations/+/will',
  'client-id-prefix'          = 'mqtt-bridge-station-wills',
  'qos'                       = '1',
  'format'                    = 'json',
  -- a will that is not JSON still reaches RocketMQ, with the station id and NULL fields
  'json.ignore-parse-errors'  = 'true'
);

CREATE TABLE station_wills (
  station      STRING,
  status       STRING,
  connected_at BIGINT,
  mqtt_topic   STRING,
  `keys`       STRING              METADATA,
  props        MAP<STRING, STRING> METADATA FROM 'properties'
) WITH (
  'connector'   = 'rocketmq',
  'name-server' = '${env:ROCKETMQ_NAMESRV:-127.0.0.1:9876}',
  'topic'       = 'station-wills',
  'tag'         = 'will',
  'format'      = 'json'
);

INSERT INTO station_wills
SELECT MQTT_TOPIC_LEVEL(mqtt_topic, 2), status, `connected-at`, mqtt_topic,
       MQTT_TOPIC_LEVEL(mqtt_topic, 2),
       MAP_UNION(properties, MAP['station-id', MQTT_TOPIC_LEVEL(mqtt_topic, 2)])
FROM station_wills_mqtt;
