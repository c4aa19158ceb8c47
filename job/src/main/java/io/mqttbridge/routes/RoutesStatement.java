package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * One statement of a routes file after ${env:...} substitution: the SQL to execute, the same SQL
 * with every substituted value masked (the only form that may be logged or printed), and where it
 * starts in the file.
 */
@Internal
public final class RoutesStatement {

    /** A substituted span: {@code [sqlStart, sqlEnd)} of {@link #sql()} replaced {@code [rawStart, rawEnd)}. */
    static final class Substitution {
        final int sqlStart;
        final int sqlEnd;
        final int rawStart;
        final int rawEnd;
        final String value;

        Substitution(int sqlStart, int sqlEnd, int rawStart, int rawEnd, String value) {
            this.sqlStart = sqlStart;
            this.sqlEnd = sqlEnd;
            this.rawStart = rawStart;
            this.rawEnd = rawEnd;
            this.value = value;
        }
    }

    static final int MIN_MASKED_LENGTH = 4;

    private final String file;
    private final String raw;
    private final String sql;
    private final String masked;
    private final int line;
    private final int column;
    private final List<Substitution> substitutions;

    RoutesStatement(String file, String raw, String sql, String masked, int line, int column, List<Substitution> substitutions) {
        this.file = file;
        this.raw = raw;
        this.sql = sql;
        this.masked = masked;
        this.line = line;
        this.column = column;
        this.substitutions = List.copyOf(substitutions);
    }

    /** The file name as given, for messages. */
    public String file() {
        return file;
    }

    /** The SQL to execute, with substituted values: never log or print it. */
    public String sql() {
        return sql;
    }

    /** The SQL with every substituted value replaced by {@code ***}: safe to log. */
    public String maskedSql() {
        return masked;
    }

    /** 1-based line of the statement's first token in the file. */
    public int line() {
        return line;
    }

    /** 1-based column of the statement's first token in the file. */
    public int column() {
        return column;
    }

    /** The first keyword, upper case (INSERT, CREATE, SET, ...). */
    public String keyword() {
        int end = 0;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        return sql.substring(0, end).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Masks the substituted values that occur in {@code message} (a planner message may quote the
     * SQL it failed on). Values shorter than {@value #MIN_MASKED_LENGTH} characters are left alone:
     * they would shred unrelated text, and are too short to be secrets.
     */
    public String mask(String message) {
        if (message == null) {
            return null;
        }
        String result = message;
        for (Substitution s : substitutions) {
            if (s.value.length() >= MIN_MASKED_LENGTH) {
                result = result.replace(s.value, EnvSubstitution.MASK);
            }
        }
        return result;
    }

    /** An error located at the start of this statement. */
    public RoutesException error(String problem) {
        return new RoutesException(file, line, column, problem);
    }

    /**
     * Translates a 1-based (line, column) inside {@link #sql()} - as the planner reports it - into
     * the 1-based {line, column} in the file. A position inside a substituted value maps to the start
     * of its ${env:...} reference.
     */
    public int[] filePosition(int sqlLine, int sqlColumn) {
        int sqlOffset = offsetOf(sql, sqlLine, sqlColumn);
        int rawOffset = sqlOffset;
        for (Substitution s : substitutions) {
            if (sqlOffset < s.sqlStart) {
                break;
            }
            rawOffset = sqlOffset < s.sqlEnd ? s.rawStart : s.rawEnd + (sqlOffset - s.sqlEnd);
        }
        rawOffset = Math.min(Math.max(rawOffset, 0), raw.length());
        StatementSplitter.Position at = new StatementSplitter.Position(line, column).advance(raw, 0, rawOffset);
        return new int[] {at.line, at.column};
    }

    private static int offsetOf(String text, int line, int column) {
        int offset = 0;
        for (int l = 1; l < line && offset < text.length(); offset++) {
            if (text.charAt(offset) == '\n') {
                l++;
            }
        }
        return Math.min(offset + Math.max(column - 1, 0), text.length());
    }
}
