package io.mqttbridge.routes;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A problem in a routes file, located as {@code FILE:LINE:COLUMN: message} (1-based), the form
 * editors and CI logs turn into links.
 */
@PublicEvolving
public class RoutesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String problem;

    public RoutesException(String file, int line, int column, String problem) {
        this(file, line, column, problem, null);
    }

    public RoutesException(String file, int line, int column, String problem, Throwable cause) {
        super(file + ":" + line + ":" + column + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the location prefix. */
    public String problem() {
        return problem;
    }
}
