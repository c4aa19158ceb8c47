CREATE TABLE readings (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '5');
CREATE TABLE out_t (id BIGINT) WITH ('connector' = 'blackhole');

INSERT INTO out_t
SELECT idd FROM readings;
