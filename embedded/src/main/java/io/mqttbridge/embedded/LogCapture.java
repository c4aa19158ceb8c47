package io.mqttbridge.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a logger (and the loggers below it) logs while this is open, for tests that assert on log lines.
 * Tests log through logback (HiveMQ CE needs it), so this reads logback's events.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previous;
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    /** Captures everything logged at INFO or above. */
    public LogCapture() {
        this(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    public LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        previous = logger.getLevel();
        if (!logger.isInfoEnabled()) {
            logger.setLevel(Level.INFO);
        }
        events.start();
        logger.addAppender(events);
    }

    /** Every captured event as "logger message [stack trace]", in order. */
    public List<String> lines() {
        List<String> result = new ArrayList<>();
        for (ILoggingEvent event : new ArrayList<>(events.list)) {
            String line = event.getLoggerName() + " " + event.getFormattedMessage();
            if (event.getThrowableProxy() != null) {
                line += " " + ThrowableProxyUtil.asString(event.getThrowableProxy());
            }
            result.add(line);
        }
        return result;
    }

    /** Messages logged at WARN or above that contain {@code containing}, in order. */
    public List<String> warnings(String containing) {
        return messages(Level.WARN, containing);
    }

    /** Messages logged at ERROR that contain {@code containing}, in order. */
    public List<String> errors(String containing) {
        return messages(Level.ERROR, containing);
    }

    private List<String> messages(Level atLeast, String containing) {
        List<String> result = new ArrayList<>();
        for (ILoggingEvent event : new ArrayList<>(events.list)) {
            if (event.getLevel().isGreaterOrEqual(atLeast) && event.getFormattedMessage().contains(containing)) {
                result.add(event.getFormattedMessage());
            }
        }
        return result;
    }

    /** Stops capturing; what was captured stays readable. */
    @Override
    public void close() {
        logger.detachAppender(events);
        logger.setLevel(previous);
    }
}
