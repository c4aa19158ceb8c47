-- Bounded: 20 numbered rows, printed with a prefix from the environment.
CREATE TABLE numbers (
  n BIGINT
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '20',
  'fields.n.kind' = 'sequence',
  'fields.n.start' = '1',
  'fields.n.end' = '20'
);

CREATE TABLE printed (n BIGINT, last_level STRING)
  WITH ('connector' = 'print', 'print-identifier' = '${env:PRINT_PREFIX}');

INSERT INTO printed SELECT n, MQTT_TOPIC_LEVEL('numbers/' || CAST(n AS STRING), -1) FROM numbers;
