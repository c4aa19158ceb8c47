-- The filter is computed per row, so it is checked at run time: the job fails naming it.
CREATE TABLE numbers (n BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '3', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '3');
CREATE TABLE out_t (matched BOOLEAN) WITH ('connector' = 'blackhole');
INSERT INTO out_t SELECT MQTT_TOPIC_MATCHES('a/b', CAST(n AS STRING) || '/#/x') FROM numbers;
