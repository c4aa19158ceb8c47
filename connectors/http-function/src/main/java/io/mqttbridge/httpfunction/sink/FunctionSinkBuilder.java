package io.mqttbridge.httpfunction.sink;

import io.mqttbridge.httpfunction.HttpFunctionOptions;

import io.mqttbridge.httpfunction.sink.FunctionSinkConfig.PayloadEncoding;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link FunctionSink} for the DataStream API:
 *
 * <pre>{@code
 * FunctionSink<Alert> sink = FunctionSink.<Alert>builder()
 *     .setUrl("https://fn.example.com/low-battery")
 *     .setOption(HttpFunctionOptions.MAX_MESSAGES, 10)
 *     .setElementConverter((alert, ctx) -> FunctionRecord.of(alert.vehicle, alert.toJsonBytes()))
 *     .build();
 * }</pre>
 *
 * <p>The options are those of {@link HttpFunctionOptions}, kept in one typed {@link Configuration}
 * (the table shares them); {@link #build()} checks them once into a {@link FunctionSinkConfig}, with
 * the same error texts as the table, naming the bad option.
 */
@PublicEvolving
public final class FunctionSinkBuilder<InputT> {

    private final Configuration options = new Configuration();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private ElementConverter<InputT, FunctionRecord> converter;
    private PayloadEncoding encoding = PayloadEncoding.JSON;
    private String name = "function";

    FunctionSinkBuilder() {}

    public FunctionSinkBuilder<InputT> setUrl(String url) {
        return setOption(HttpFunctionOptions.URL, url);
    }

    /** Any option of {@link HttpFunctionOptions}. */
    public <T> FunctionSinkBuilder<InputT> setOption(ConfigOption<T> option, T value) {
        options.set(option, value);
        return this;
    }

    /** A request header; its value is never logged. */
    public FunctionSinkBuilder<InputT> setHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** How payload bytes are embedded: JSON (default), TEXT or BASE64. */
    public FunctionSinkBuilder<InputT> setPayloadEncoding(PayloadEncoding encoding) {
        this.encoding = Objects.requireNonNull(encoding);
        return this;
    }

    /** The name in the envelope's {@code function} field, logs and dead-letter file names. */
    public FunctionSinkBuilder<InputT> setName(String name) {
        this.name = Objects.requireNonNull(name);
        return this;
    }

    public FunctionSinkBuilder<InputT> setElementConverter(ElementConverter<InputT, FunctionRecord> converter) {
        this.converter = converter;
        return this;
    }

    /** @throws IllegalArgumentException naming the option that is missing or bad */
    public FunctionSink<InputT> build() {
        return new FunctionSink<>(converter, sanityCheck());
    }

    private FunctionSinkConfig sanityCheck() {
        if (converter == null) {
            throw new IllegalArgumentException("setElementConverter(...) is required: it turns each element into a FunctionRecord.");
        }
        return FunctionSinkConfig.of(options, headers, encoding, name);
    }
}
