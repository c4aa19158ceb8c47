-- RocketMQ -> RocketMQ: one topic replicated to another cluster's topic (a "cross-cluster replication
-- task"). Every message is copied with its body unchanged, its tag, keys and user properties; the
-- source's message id and store time travel as the user properties 'replica-source-msg-id' and
-- 'replica-source-store-time'.
--
-- Source and target are two clusters (two name servers); on the local stack both are the one embedded
-- RocketMQ (./run-local sets ROCKETMQ_TARGET_NAMESRV to it unless it is set), and the route copies the
-- topic 'station-wills' into 'station-wills-replica'. The topics: REPLICATION_SOURCE_TOPIC and
-- REPLICATION_TARGET_TOPIC. Reading is
-- exactly once (queue offsets in every checkpoint); writing is at least once, so after a restart the
-- target can hold a message twice: deduplicate by 'replica-source-msg-id'.
--
-- Runs on the local stack (./run-local --routes sql/rocketmq-replication.sql) or on any cluster:
--   ROCKETMQ_NAMESRV=source-namesrv:9876 ROCKETMQ_TARGET_NAMESRV=target-namesrv:9876 \
--     java -jar job/target/mqtt-bridge-job.jar --routes sql/rocketmq-replication.sql

CREATE TABLE replication_source (
  body        BYTES,
  tag         STRING                   METADATA FROM 'tag'             VIRTUAL,
  `keys`      STRING                   METADATA FROM 'keys'            VIRTUAL,
  msg_id      STRING                   METADATA FROM 'msg-id'          VIRTUAL,
  store_time  TIMESTAMP_LTZ(3)         METADATA FROM 'store-timestamp' VIRTUAL,
  properties  MAP<STRING, STRING>      METADATA FROM 'properties'      VIRTUAL
) WITH (
  'connector'      = 'rocketmq',
  'name-server'    = '${env:ROCKETMQ_NAMESRV:-127.0.0.1:9876}',
  'topic'          = '${env:REPLICATION_SOURCE_TOPIC:-station-wills}',
  'consumer-group' = 'mqtt-bridge-replication',
  'startup-mode'   = 'group-offsets',
  'format'         = 'raw'
);

CREATE TABLE replication_target (
  body        BYTES,
  tag         STRING              METADATA,
  `keys`      STRING              METADATA,
  properties  MAP<STRING, STRING> METADATA
) WITH (
  'connector'   = 'rocketmq',
  'name-server' = '${env:ROCKETMQ_TARGET_NAMESRV:-127.0.0.1:9876}',
  'topic'       = '${env:REPLICATION_TARGET_TOPIC:-station-wills-replica}',
  'format'      = 'raw'
);

INSERT INTO replication_target
SELECT body, tag, `keys`,
       MAP_UNION(properties, MAP['replica-source-msg-id', msg_id,
                                 'replica-source-store-time', CAST(store_time AS STRING)])
FROM replication_source;
