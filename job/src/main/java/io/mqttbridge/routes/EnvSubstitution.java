package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}} and {@code ${env:NAME:-default}} in a statement with the value of the
 * environment variable NAME (or the default when NAME is unset). References in comments are left
 * alone, so that commenting a line out never requires its variables. Inside a quoted string or
 * identifier the value's quote character is doubled, so a password containing {@code '} stays one
 * string literal. Values are kept out of everything that may be printed: see {@link
 * RoutesStatement#maskedSql()}.
 */
@Internal
public final class EnvSubstitution {

    static final String MASK = "***";

    private static final String OPEN = "${env:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {}

    /** @throws RoutesException naming the variable and where it is used, when it is unset without default */
    public static RoutesStatement substitute(String file, StatementSplitter.RawStatement raw, Map<String, String> env) {
        String text = raw.text();
        StringBuilder sql = new StringBuilder(text.length());
        StringBuilder masked = new StringBuilder(text.length());
        List<RoutesStatement.Substitution> substitutions = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf(OPEN, i);
            while (open >= 0 && raw.contextAt(open) == SqlContext.COMMENT) {
                open = text.indexOf(OPEN, open + 1);
            }
            if (open < 0) {
                sql.append(text, i, text.length());
                masked.append(text, i, text.length());
                break;
            }
            sql.append(text, i, open);
            masked.append(text, i, open);
            int close = text.indexOf('}', open);
            if (close < 0) {
                throw error(file, raw, open, "'${env:' is not closed with '}': expected ${env:NAME} or ${env:NAME:-default}");
            }
            String body = text.substring(open + OPEN.length(), close);
            int defaultAt = body.indexOf(":-");
            String name = defaultAt < 0 ? body : body.substring(0, defaultAt);
            if (!NAME.matcher(name).matches()) {
                throw error(file, raw, open, "invalid environment variable name '" + name
                        + "' in ${env:...}: expected letters, digits and '_', not starting with a digit");
            }
            String value = env.get(name);
            if (value == null) {
                if (defaultAt < 0) {
                    throw error(file, raw, open, "environment variable '" + name + "' is not set (used as ${env:"
                            + name + "}); set it, or give a default with ${env:" + name + ":-default}");
                }
                value = body.substring(defaultAt + 2);
            }
            char quote = raw.contextAt(open).quote();
            if (quote != 0) {
                value = value.replace(String.valueOf(quote), String.valueOf(quote) + quote);
            }
            substitutions.add(new RoutesStatement.Substitution(sql.length(), sql.length() + value.length(), open, close + 1, value));
            sql.append(value);
            masked.append(MASK);
            i = close + 1;
        }
        return new RoutesStatement(file, text, sql.toString(), masked.toString(), raw.line(), raw.column(), substitutions);
    }

    private static RoutesException error(String file, StatementSplitter.RawStatement raw, int offset, String problem) {
        StatementSplitter.Position at = new StatementSplitter.Position(raw.line(), raw.column()).advance(raw.text(), 0, offset);
        return new RoutesException(file, at.line, at.column, problem);
    }
}
