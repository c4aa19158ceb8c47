package io.mqttbridge.embedded;

import org.apache.flink.annotation.PublicEvolving;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a logger (and the loggers below it) logs at INFO or above while this is open, for tests that
 * assert on log lines. Tests log through logback (HiveMQ CE needs it), so this reads logback's
 * events. The test configuration keeps frameworks at WARN; while open, the captured loggers are
 * lowered to INFO (and restored on close), so that an assertion like "no line contains the
 * secret" covers their INFO lines too.
 */
@PublicEvolving
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Map<Logger, Level> previousLevels = new LinkedHashMap<>();
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    /** Captures everything logged at INFO or above. */
    public LogCapture() {
        this(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    public LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        lowerToInfo(logger);
        LoggerContext context = logger.getLoggerContext();
        String prefix = logger.getName() + ".";
        boolean root = logger.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Logger below : context.getLoggerList()) {
            if (below != logger && (root || below.getName().startsWith(prefix))) {
                lowerToInfo(below);
            }
        }
        events.start();
        logger.addAppender(events);
    }

    /** Lowers a logger whose own level hides INFO; loggers without a level follow their parent. */
    private void lowerToInfo(Logger target) {
        Level own = target.getLevel();
        boolean hidesInfo = own != null ? own.toInt() > Level.INFO_INT : target == logger && !target.isInfoEnabled();
        if (hidesInfo) {
            previousLevels.put(target, own);
            target.setLevel(Level.INFO);
        }
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

    /** Stops capturing and restores the levels; what was captured stays readable. */
    @Override
    public void close() {
        logger.detachAppender(events);
        previousLevels.forEach(Logger::setLevel);
    }
}
