-- A routes file with two routes from one source; the functions come from the runner.
CREATE TABLE readings (
  id BIGINT,
  topic STRING
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '10',
  'fields.topic.length' = '8'
);

CREATE TABLE devices (id BIGINT, device STRING) WITH ('connector' = 'blackhole');
CREATE TABLE alarms (id BIGINT, topic STRING) WITH ('connector' = 'print', 'print-identifier' = '${env:ALARM_PREFIX:-alarm}');

INSERT INTO devices SELECT id, MQTT_TOPIC_LEVEL(topic, 2) FROM readings;
INSERT INTO alarms SELECT id, topic FROM readings WHERE MQTT_TOPIC_MATCHES(topic, 'alarms/#');
