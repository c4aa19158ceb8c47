package io.mqttbridge.mqtt.filter;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the {@code message-filter} syntax of cloud MQTT triggers, a recursive descent over:
 *
 * <pre>
 * filter    := or
 * or        := and (OR and)*
 * and       := unary (AND unary)*
 * unary     := NOT unary | '(' or ')' | predicate
 * predicate := attribute (op literal | [NOT] IN '(' literal (',' literal)* ')' | [NOT] LIKE string
 *                         | IS [NOT] NULL)
 *            | $retained
 * attribute := $topic | $QoS | $retained | name | "quoted name"      (a name is a user property)
 * op        := = | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;=                        (ordering: $QoS only)
 * literal   := 'string' ('' inside is a quote) | integer | TRUE | FALSE
 * </pre>
 *
 * Keywords and {@code $} attributes are case-insensitive. A literal must have the attribute's type
 * (strings for $topic and user properties, integers for $QoS, TRUE/FALSE for $retained). A syntax
 * error names what was expected and the position (1 = the first character).
 */
@Internal
public final class MessageFilterParser {

    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "TRUE", "FALSE");

    private final String text;
    private int pos;

    private MessageFilterParser(String text) {
        this.text = text;
    }

    /** @throws MessageFilterSyntaxException naming the position and what was expected there */
    public static MessageFilter parse(String text) {
        MessageFilterParser parser = new MessageFilterParser(text);
        MessageFilter filter = parser.or();
        parser.skipSpaces();
        if (parser.pos < text.length()) {
            throw parser.error("AND, OR or the end of the filter");
        }
        return filter;
    }

    static boolean isKeyword(String name) {
        return KEYWORDS.contains(name.toUpperCase(Locale.ROOT));
    }

    private MessageFilter or() {
        List<MessageFilter> operands = new ArrayList<>();
        operands.add(and());
        while (keyword("OR")) {
            operands.add(and());
        }
        return MessageFilter.or(operands);
    }

    private MessageFilter and() {
        List<MessageFilter> operands = new ArrayList<>();
        operands.add(unary());
        while (keyword("AND")) {
            operands.add(unary());
        }
        return MessageFilter.and(operands);
    }

    private MessageFilter unary() {
        if (keyword("NOT")) {
            return MessageFilter.not(unary());
        }
        if (symbol("(")) {
            MessageFilter inner = or();
            expectSymbol(")", "')', AND or OR");
            return inner;
        }
        return predicate();
    }

    private MessageFilter predicate() {
        skipSpaces();
        int start = pos;
        MessageAttribute attribute = attribute();
        if (keyword("IS")) {
            boolean negated = keyword("NOT");
            if (!keyword("NULL")) {
                throw error(negated ? "NULL" : "NULL or NOT NULL");
            }
            return MessageFilter.isNull(attribute, negated);
        }
        boolean negated = keyword("NOT");
        if (keyword("IN")) {
            expectSymbol("(", "'(' and a list of values");
            List<Object> values = new ArrayList<>();
            do {
                values.add(literal(attribute));
            } while (symbol(","));
            expectSymbol(")", "',' or ')'");
            return negate(MessageFilter.in(attribute, values), negated);
        }
        if (keyword("LIKE")) {
            if (attribute.type() != MessageAttribute.Type.STRING) {
                throw error("LIKE after a string attribute ($topic or a user property), not after " + attribute, start);
            }
            return negate(MessageFilter.like(attribute, (String) literal(attribute)), negated);
        }
        if (negated) {
            throw error("IN or LIKE after NOT");
        }
        MessageFilter.Operator op = operator();
        if (op == null) {
            if (attribute.type() == MessageAttribute.Type.BOOLEAN) {
                return MessageFilter.isTrue(attribute);
            }
            throw error("an operator (=, <>, <, <=, >, >=, IN, NOT IN, LIKE, NOT LIKE, IS NULL, IS NOT NULL)");
        }
        if (op != MessageFilter.Operator.EQ && op != MessageFilter.Operator.NE
                && attribute.type() != MessageAttribute.Type.INTEGER) {
            throw error("= or <> after " + attribute + " (ordering comparisons are for $QoS)", pos - op.symbol.length());
        }
        return MessageFilter.compare(attribute, op, literal(attribute));
    }

    private static MessageFilter negate(MessageFilter filter, boolean negated) {
        return negated ? MessageFilter.not(filter) : filter;
    }

    private MessageAttribute attribute() {
        skipSpaces();
        int start = pos;
        if (peek() == '$') {
            pos++;
            String name = word();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "topic":
                    return MessageAttribute.TOPIC;
                case "qos":
                    return MessageAttribute.QOS;
                case "retained":
                    return MessageAttribute.RETAINED;
                default:
                    throw error("$topic, $QoS or $retained", start);
            }
        }
        if (peek() == '"') {
            return MessageAttribute.userProperty(quoted('"'));
        }
        String name = word();
        if (name.isEmpty() || isKeyword(name)) {
            pos = start;
            throw error("an attribute ($topic, $QoS, $retained, or a user property name), NOT or '('");
        }
        return MessageAttribute.userProperty(name);
    }

    private Object literal(MessageAttribute attribute) {
        skipSpaces();
        int start = pos;
        MessageAttribute.Type type = attribute.type();
        try {
            if (type == MessageAttribute.Type.STRING && peek() == '\'') {
                return quoted('\'');
            }
            if (type == MessageAttribute.Type.INTEGER && (peek() == '-' || Character.isDigit(peek()))) {
                pos++;
                while (Character.isDigit(peek())) {
                    pos++;
                }
                return Long.parseLong(text.substring(start, pos));
            }
            if (type == MessageAttribute.Type.BOOLEAN) {
                String word = word().toUpperCase(Locale.ROOT);
                if (word.equals("TRUE") || word.equals("FALSE")) {
                    return Boolean.valueOf(word.equals("TRUE"));
                }
            }
        } catch (NumberFormatException e) {
            // "-" alone, or beyond a long: reported below
        }
        throw error(type.literal + " for " + attribute, start);
    }

    /** A quoted string or identifier; the quote character doubled stands for itself. */
    private String quoted(char quote) {
        int start = pos;
        pos++;
        StringBuilder value = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c != quote) {
                value.append(c);
            } else if (peek() == quote) {
                value.append(quote);
                pos++;
            } else {
                return value.toString();
            }
        }
        throw error("the closing " + quote + " of the text that starts", start);
    }

    private MessageFilter.Operator operator() {
        skipSpaces();
        for (String symbol : new String[] {"<>", "<=", ">=", "=", "<", ">"}) {
            if (text.startsWith(symbol, pos)) {
                pos += symbol.length();
                for (MessageFilter.Operator op : MessageFilter.Operator.values()) {
                    if (op.symbol.equals(symbol)) {
                        return op;
                    }
                }
            }
        }
        return null;
    }

    private String word() {
        int start = pos;
        if (Character.isLetter(peek()) || peek() == '_') {
            pos++;
            while (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.' || peek() == '-') {
                pos++;
            }
        }
        return text.substring(start, pos);
    }

    private boolean keyword(String keyword) {
        skipSpaces();
        int start = pos;
        if (word().equalsIgnoreCase(keyword)) {
            return true;
        }
        pos = start;
        return false;
    }

    private boolean symbol(String symbol) {
        skipSpaces();
        if (text.startsWith(symbol, pos)) {
            pos += symbol.length();
            return true;
        }
        return false;
    }

    private void expectSymbol(String symbol, String expected) {
        if (!symbol(symbol)) {
            throw error(expected);
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private MessageFilterSyntaxException error(String expected) {
        skipSpaces();
        return error(expected, pos);
    }

    private MessageFilterSyntaxException error(String expected, int at) {
        String found;
        if (at >= text.length()) {
            found = "the end of the filter";
        } else {
            int end = at;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && end - at < 20) {
                end++;
            }
            found = "'" + text.substring(at, Math.max(end, at + 1)) + "'";
        }
        return new MessageFilterSyntaxException(expected, at + 1, found);
    }
}
