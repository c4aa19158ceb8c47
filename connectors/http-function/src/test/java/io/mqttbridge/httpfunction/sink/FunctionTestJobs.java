package io.mqttbridge.httpfunction.sink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/** The jobs of the sink ITs: a rate-limited sequence 0, 1, ... into the sink, restarted on a failure. */
final class FunctionTestJobs {

    private FunctionTestJobs() {}

    static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        return env;
    }

    /** 0 .. count - 1 at {@code perSecond}, from one source subtask. */
    static DataStream<Long> sequence(StreamExecutionEnvironment env, long count, double perSecond) {
        return env.fromSource(
                        new DataGeneratorSource<>(n -> n, count, RateLimiterStrategy.perSecond(perSecond), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "gen")
                .setParallelism(1);
    }

    /** Fixed-delay restarts, {@code attempts} of them 200 ms apart. */
    static Configuration restarts(int attempts) {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return c;
    }
}
