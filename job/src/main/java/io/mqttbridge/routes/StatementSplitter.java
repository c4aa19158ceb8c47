package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of a routes file into statements at semicolons that are SQL code: a ';' inside a
 * '...' string (with '' escapes), a "..." or `...` identifier, a -- line comment or a block comment
 * does not end a statement. Leading whitespace and comments are not part of a statement, so that its
 * position is the one of its first token; statements made only of comments are dropped.
 */
@Internal
public final class StatementSplitter {

    private StatementSplitter() {}

    /** One statement as written in the file, before ${env:...} substitution. */
    public static final class RawStatement {
        private final String text;
        private final SqlContext[] contexts;
        private final int line;
        private final int column;

        RawStatement(String text, SqlContext[] contexts, int line, int column) {
            this.text = text;
            this.contexts = contexts;
            this.line = line;
            this.column = column;
        }

        public String text() {
            return text;
        }

        /** 1-based line of the statement's first character in the file. */
        public int line() {
            return line;
        }

        /** 1-based column of the statement's first character in the file. */
        public int column() {
            return column;
        }

        SqlContext contextAt(int offset) {
            return contexts[offset];
        }
    }

    /**
     * @param fileName used in error messages only
     * @throws RoutesException for a string, identifier or block comment that is never closed
     */
    public static List<RawStatement> split(String fileName, String sql) {
        List<RawStatement> statements = new ArrayList<>();
        int n = sql.length();
        SqlContext[] contexts = new SqlContext[n];
        Position position = new Position();
        int start = -1; // offset of the current statement's first token, -1 before it
        int startLine = 0;
        int startColumn = 0;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            int tokenLine = position.line;
            int tokenColumn = position.column;
            int end; // exclusive end of the lexical element starting at i
            SqlContext context;
            if (c == '-' && next == '-') {
                end = indexOrEnd(sql, "\n", i + 2);
                context = SqlContext.COMMENT;
            } else if (c == '/' && next == '*') {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) {
                    throw new RoutesException(fileName, tokenLine, tokenColumn, "block comment '/*' is never closed with '*/'");
                }
                end = close + 2;
                context = SqlContext.COMMENT;
            } else if (c == '\'' || c == '"' || c == '`') {
                end = closingQuote(sql, i, c);
                if (end < 0) {
                    throw new RoutesException(fileName, tokenLine, tokenColumn, describeQuote(c) + " starting here is never closed");
                }
                context = c == '\'' ? SqlContext.STRING : c == '"' ? SqlContext.DOUBLE_QUOTED : SqlContext.BACKTICK;
            } else {
                end = i + 1;
                context = SqlContext.CODE;
            }
            for (int k = i; k < end; k++) {
                contexts[k] = context;
            }
            if (context == SqlContext.CODE && c == ';') {
                if (start >= 0) {
                    statements.add(statement(sql, contexts, start, i, startLine, startColumn));
                    start = -1;
                }
            } else if (start < 0 && context != SqlContext.COMMENT && !Character.isWhitespace(c)) {
                start = i;
                startLine = tokenLine;
                startColumn = tokenColumn;
            }
            position.advance(sql, i, end);
            i = end;
        }
        if (start >= 0) {
            statements.add(statement(sql, contexts, start, n, startLine, startColumn));
        }
        return statements;
    }

    private static RawStatement statement(String sql, SqlContext[] contexts, int start, int end, int line, int column) {
        // Trailing whitespace and comments belong to no statement either.
        int last = end;
        while (last > start && (Character.isWhitespace(sql.charAt(last - 1)) || contexts[last - 1] == SqlContext.COMMENT)) {
            last--;
        }
        SqlContext[] own = new SqlContext[last - start];
        System.arraycopy(contexts, start, own, 0, own.length);
        return new RawStatement(sql.substring(start, last), own, line, column);
    }

    /** Exclusive end of the quoted element opened at {@code open}, or -1; a doubled quote is an escape. */
    private static int closingQuote(String sql, int open, char quote) {
        int i = open + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    private static int indexOrEnd(String sql, String needle, int from) {
        int index = sql.indexOf(needle, from);
        return index < 0 ? sql.length() : index;
    }

    private static String describeQuote(char quote) {
        switch (quote) {
            case '\'':
                return "string literal '...'";
            case '"':
                return "quoted identifier \"...\"";
            default:
                return "quoted identifier `...`";
        }
    }

    /** Line and column (1-based) of an offset, advanced element by element. */
    static final class Position {
        int line;
        int column;

        Position() {
            this(1, 1);
        }

        Position(int line, int column) {
            this.line = line;
            this.column = column;
        }

        /** Moves past {@code text[from, to)}: a newline starts the next line at column 1. */
        Position advance(CharSequence text, int from, int to) {
            for (int k = from; k < to; k++) {
                if (text.charAt(k) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return this;
        }
    }
}
