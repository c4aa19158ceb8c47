package io.mqttbridge.function;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Captures every log line at INFO and above (Flink's and ours) while open. */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Level previous;

    LogCapture() {
        super("function-test-capture", null, null, true, Property.EMPTY_ARRAY);
        start();
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        previous = root.getLevel();
        root.setLevel(Level.INFO);
        root.addAppender(this, Level.INFO, null);
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        String line = event.getLoggerName() + " " + event.getMessage().getFormattedMessage();
        if (event.getThrown() != null) {
            line += " " + org.apache.flink.util.ExceptionUtils.stringifyException(event.getThrown());
        }
        lines.add(line);
    }

    List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(getName());
        root.setLevel(previous);
        context.updateLoggers();
        stop();
    }
}
