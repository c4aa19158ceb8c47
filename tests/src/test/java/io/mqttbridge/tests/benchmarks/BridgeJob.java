package io.mqttbridge.tests.benchmarks;

import io.mqttbridge.embedded.EmbeddedKafka;
import io.mqttbridge.tests.support.RouteJob;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * mqtt-bridge: an {@code mqtt} table (json) through a route's WHERE into an at-least-once
 * {@code kafka} table, run by the routes runner on a MiniCluster of its own.
 */
final class BridgeJob implements Contender {

    /** The route's WHERE; every variant passes every workload message, so counts stay comparable. */
    enum Route {
        FILTER("SQL filter", "WHERE temp < 1000"),
        PASS_THROUGH("pass-through", ""),
        FILTER_HEAVY("filter-heavy",
                "WHERE topic LIKE 'bench/%' AND device LIKE 'd-%' AND REGEXP(device, '^d-[0-9]+$') AND temp BETWEEN -50 AND 150"
                        + " AND CHAR_LENGTH(pad) > 10 AND MOD(seq, 7) <> 7 AND UPPER(device) <> 'NONE'");

        final String title;
        final String where;

        Route(String title, String where) {
            this.title = title;
            this.where = where;
        }
    }

    /** One configuration of the bridge; {@code receiveMaximum} is the source's option, 0 to leave it at its default. */
    record Setting(String ackMode, String interval, int parallelism, int subscribers, Route route, int receiveMaximum) {

        Setting(String ackMode, String interval, int parallelism, int subscribers, Route route) {
            this(ackMode, interval, parallelism, subscribers, route, 0);
        }

        Setting with(int parallelism, int subscribers, Route route) {
            return new Setting(ackMode, interval, parallelism, subscribers, route, receiveMaximum);
        }

        Setting withAckMode(String ackMode) {
            return new Setting(ackMode, interval, parallelism, subscribers, route, receiveMaximum);
        }

        Setting withReceiveMaximum(int receiveMaximum) {
            return new Setting(ackMode, interval, parallelism, subscribers, route, receiveMaximum);
        }

        /**
         * What an in-flight window per connection allows under ack-mode checkpoint: each subscriber gets at
         * most a window of messages per checkpoint interval. The window is the smaller of the broker's own
         * ({@code brokerWindow}, 0 = none) and the source's receive-maximum; 0 when neither limits it.
         */
        double windowLimit(int brokerWindow) {
            int window = IntStream.of(brokerWindow, receiveMaximum).filter(w -> w > 0).min().orElse(0);
            if (window == 0 || !ackMode.equals("checkpoint")) {
                return 0;
            }
            return window * subscribers * 1000.0 / TimeUtils.parseDuration(interval).toMillis();
        }

        String describe() {
            return String.format(Locale.ROOT, "%s %s, p=%d, %d subscriber%s%s%s", ackMode, interval, parallelism, subscribers,
                    subscribers == 1 ? "" : "s", route == Route.FILTER ? "" : ", " + route.title,
                    receiveMaximum == 0 ? "" : ", receive-maximum " + receiveMaximum);
        }
    }

    private final EmbeddedKafka kafka;
    private final String topic;
    private final RouteJob job;

    BridgeJob(String serverUri, String group, String topicFilter, Setting setting, EmbeddedKafka kafka, String topic, Path folder)
            throws Exception {
        this.kafka = kafka;
        this.topic = topic;
        String sql = "CREATE TABLE readings (device STRING, seq BIGINT, ts BIGINT, temp DOUBLE, pad STRING,\n"
                + "  topic STRING METADATA VIRTUAL) WITH (\n"
                + "  'connector' = 'mqtt', 'server-uri' = '${env:MQTT_URI}', 'topic-filter' = '" + topicFilter + "',\n"
                + "  'shared-group' = '" + group + "', 'client-id-prefix' = '" + group + "', 'subscribers' = '"
                + setting.subscribers() + "',\n"
                + "  'ack-mode' = '" + setting.ackMode() + "', 'format' = 'json'"
                + (setting.receiveMaximum() == 0 ? "" : ", 'receive-maximum' = '" + setting.receiveMaximum() + "'") + ");\n"
                + "CREATE TABLE readings_out (device STRING, seq BIGINT, ts BIGINT, temp DOUBLE, pad STRING) WITH (\n"
                + "  'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '${env:KAFKA_BOOTSTRAP}',\n"
                + "  'format' = 'json', 'sink.delivery-guarantee' = 'at-least-once');\n"
                + "INSERT INTO readings_out SELECT device, seq, ts, temp, pad FROM readings " + setting.route().where + ";\n";
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", setting.interval());
        conf.setString("parallelism.default", Integer.toString(setting.parallelism()));
        conf.setString("taskmanager.numberOfTaskSlots", Integer.toString(setting.parallelism()));
        Path routes = RouteJob.writeRoutes(folder, group + ".sql", sql);
        this.job = RouteJob.submit(routes, Map.of("MQTT_URI", serverUri, "KAFKA_BOOTSTRAP", kafka.bootstrapServers()), conf);
    }

    @Override
    public long arrived() {
        return kafka.endOffset(topic);
    }

    @Override
    public void checkRunning() {
        job.assertRunning();
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void close() throws Exception {
        job.close();
    }
}
