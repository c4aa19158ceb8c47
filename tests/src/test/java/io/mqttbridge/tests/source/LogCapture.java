package io.mqttbridge.tests.source;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** What a logger (and the loggers below it) logs while this is open; the source ITs assert on it. */
final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        events.start();
        logger.addAppender(events);
    }

    /** Messages logged at WARN or above that contain {@code containing}, in order. */
    List<String> warnings(String containing) {
        List<String> result = new ArrayList<>();
        for (ILoggingEvent event : new ArrayList<>(events.list)) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getFormattedMessage().contains(containing)) {
                result.add(event.getFormattedMessage());
            }
        }
        return result;
    }

    /** Stops capturing; what was captured stays readable. */
    @Override
    public void close() {
        logger.detachAppender(events);
    }
}
