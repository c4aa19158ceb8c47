-- The route of ClusterRecoveryITCase: numbered JSON messages from MQTT into Kafka, at-least-once.
-- Two subscribers in a shared group (one per subtask at parallelism 2); acknowledgements wait for
-- checkpoints, so a TaskManager killed mid-stream loses nothing: the broker redelivers.

CREATE TABLE numbers (
  n BIGINT
) WITH (
  'connector'        = 'mqtt',
  'server-uri'       = '${env:MQTT_URI}',
  'topic-filter'     = 'numbers/+',
  'shared-group'     = 'cluster-test',
  'client-id-prefix' = 'cluster-test',
  'qos'              = '1',
  'format'           = 'json'
);

CREATE TABLE numbers_out (
  n BIGINT
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'numbers',
  'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}',
  'format'                       = 'json',
  'sink.delivery-guarantee'      = 'at-least-once'
);

INSERT INTO numbers_out SELECT n FROM numbers;
