package io.mqttbridge.mqtt.filter;

import io.mqttbridge.mqtt.MqttMessage;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A condition on the attributes of an MQTT message ({@link MessageAttribute}), evaluated before its
 * payload is decoded. Written by users as the table option {@code message-filter}
 * ({@link MessageFilterParser}) or built by the planner's filter push-down from a route's WHERE.
 *
 * <p>Evaluation follows SQL's three-valued logic, so that a pushed-down predicate keeps exactly the
 * rows its WHERE would keep: a comparison with an absent user property is unknown (null), NOT unknown
 * is unknown, and a message passes only when the whole condition is TRUE.
 */
@Internal
public abstract class MessageFilter implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The comparison operators; ordering ones only for integers. */
    public enum Operator {
        EQ("="),
        NE("<>"),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        boolean test(int comparison) {
            switch (this) {
                case EQ:
                    return comparison == 0;
                case NE:
                    return comparison != 0;
                case LT:
                    return comparison < 0;
                case LE:
                    return comparison <= 0;
                case GT:
                    return comparison > 0;
                default:
                    return comparison >= 0;
            }
        }
    }

    MessageFilter() {}

    /** TRUE, FALSE or null (unknown). */
    @Nullable
    abstract Boolean evaluate(MqttMessage message);

    /** Whether a message passes: only when the condition is TRUE (as SQL's WHERE). */
    public final boolean accepts(MqttMessage message) {
        return evaluate(message) == Boolean.TRUE;
    }

    /** The condition in the message-filter syntax; parsing it gives an equal filter. */
    @Override
    public abstract String toString();

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    // ---------------------------------------------------------------- factories

    /**
     * {@code attribute op literal}; the literal is a String, Long (or Integer) or Boolean matching the
     * attribute's type, and ordering operators need an integer attribute.
     */
    public static MessageFilter compare(MessageAttribute attribute, Operator op, Object literal) {
        Object value = literal(attribute, literal);
        if (op != Operator.EQ && op != Operator.NE && attribute.type() != MessageAttribute.Type.INTEGER) {
            throw new IllegalArgumentException(op.symbol + " needs an integer attribute, not " + attribute);
        }
        return new Compare(attribute, op, value);
    }

    public static MessageFilter in(MessageAttribute attribute, List<?> literals) {
        if (literals.isEmpty()) {
            throw new IllegalArgumentException("IN needs at least one value");
        }
        List<Object> values = new ArrayList<>(literals.size());
        for (Object literal : literals) {
            values.add(literal(attribute, literal));
        }
        return new In(attribute, values);
    }

    /** SQL LIKE: {@code %} any run of characters, {@code _} one character, no escape character. */
    public static MessageFilter like(MessageAttribute attribute, String pattern) {
        if (attribute.type() != MessageAttribute.Type.STRING) {
            throw new IllegalArgumentException("LIKE needs a string attribute, not " + attribute);
        }
        return new Like(attribute, Objects.requireNonNull(pattern, "pattern"));
    }

    public static MessageFilter isNull(MessageAttribute attribute, boolean negated) {
        return new IsNull(attribute, negated);
    }

    /** A boolean attribute ({@code $retained}) as a condition of its own. */
    public static MessageFilter isTrue(MessageAttribute attribute) {
        if (attribute.type() != MessageAttribute.Type.BOOLEAN) {
            throw new IllegalArgumentException(attribute + " is not a boolean attribute");
        }
        return new Truth(attribute);
    }

    public static MessageFilter not(MessageFilter operand) {
        return new Not(operand);
    }

    /** All of {@code operands}; one operand is returned as it is. */
    public static MessageFilter and(List<MessageFilter> operands) {
        return operands.size() == 1 ? operands.get(0) : new Junction(true, operands);
    }

    /** Any of {@code operands}; one operand is returned as it is. */
    public static MessageFilter or(List<MessageFilter> operands) {
        return operands.size() == 1 ? operands.get(0) : new Junction(false, operands);
    }

    private static Object literal(MessageAttribute attribute, Object literal) {
        Object value = literal instanceof Integer || literal instanceof Short || literal instanceof Byte
                ? Long.valueOf(((Number) literal).longValue())
                : literal;
        Class<?> expected;
        switch (attribute.type()) {
            case INTEGER:
                expected = Long.class;
                break;
            case BOOLEAN:
                expected = Boolean.class;
                break;
            default:
                expected = String.class;
        }
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(attribute + " is compared with " + attribute.type().literal + ", not " + literal);
        }
        return value;
    }

    static String quote(Object literal) {
        return literal instanceof String ? "'" + ((String) literal).replace("'", "''") + "'"
                : literal instanceof Boolean ? ((Boolean) literal ? "TRUE" : "FALSE")
                : literal.toString();
    }

    // ---------------------------------------------------------------- nodes

    private static final class Compare extends MessageFilter {
        private static final long serialVersionUID = 1L;
        private final MessageAttribute attribute;
        private final Operator op;
        private final Object literal;

        Compare(MessageAttribute attribute, Operator op, Object literal) {
            this.attribute = attribute;
            this.op = op;
            this.literal = literal;
        }

        @Override
        Boolean evaluate(MqttMessage message) {
            Object value = attribute.value(message);
            if (value == null) {
                return null;
            }
            int comparison = value instanceof Long ? Long.compare((Long) value, (Long) literal)
                    : value.equals(literal) ? 0 : 1; // strings and booleans: = and <> only
            return op.test(comparison);
        }

        @Override
        public String toString() {
            return attribute + " " + op.symbol + " " + quote(literal);
        }
    }

    private static final class In extends MessageFilter {
        private static final long serialVersionUID = 1L;
        private final MessageAttribute attribute;
        private final List<Object> values;

        In(MessageAttribute attribute, List<Object> values) {
            this.attribute = attribute;
            this.values = Collections.unmodifiableList(values);
        }

        @Override
        Boolean evaluate(MqttMessage message) {
            Object value = attribute.value(message);
            return value == null ? null : values.contains(value);
        }

        @Override
        public String toString() {
            return attribute + " IN (" + values.stream().map(MessageFilter::quote).collect(Collectors.joining(", ")) + ")";
        }
    }

    private static final class Like extends MessageFilter {
        private static final long serialVersionUID = 1L;
        private final MessageAttribute attribute;
        private final String pattern;
        private final Pattern regex;

        Like(MessageAttribute attribute, String pattern) {
            this.attribute = attribute;
            this.pattern = pattern;
            StringBuilder regex = new StringBuilder();
            StringBuilder plain = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                if (c == '%' || c == '_') {
                    regex.append(Pattern.quote(plain.toString())).append(c == '%' ? ".*" : ".");
                    plain.setLength(0);
                } else {
                    plain.append(c);
                }
            }
            regex.append(Pattern.quote(plain.toString()));
            this.regex = Pattern.compile(regex.toString(), Pattern.DOTALL);
        }

        @Override
        Boolean evaluate(MqttMessage message) {
            Object value = attribute.value(message);
            return value == null ? null : regex.matcher((String) value).matches();
        }

        @Override
        public String toString() {
            return attribute + " LIKE " + quote(pattern);
        }
    }

    private static final class IsNull extends MessageFilter {
        private static final long serialVersionUID = 1L;
        private final MessageAttribute attribute;
        private final boolean negated;

        IsNull(MessageAttribute attribute, boolean negated) {
            this.attribute = attribute;
            this.negated = negated;
        }

        @Override
        Boolean evaluate(MqttMessage message) {
            return (attribute.value(message) == null) != negated;
        }

        @Override
        public String toString() {
            return attribute + (negated ? " IS NOT NULL" : " IS NULL");
        }
    }

    private static final class Truth extends MessageFilter {
        private static final long serialVersionUID = 1L;
        private final MessageAttribute attribute;

        Truth(MessageAttribute attribute) {
            this.attribute = attribute;
        }

        @Override
        Boolean evaluate(MqttMessage message) {
            return (Boolean) attribute.value(message);
        }

        @Override
        public String toString() {
            return attribute.toString();
        }
    }

    private static final class Not extends MessageFilter {
        private static final long serialVersionUID = 1L;
        private final MessageFilter operand;

        Not(MessageFilter operand) {
            this.operand = operand;
        }

        @Override
        Boolean evaluate(MqttMessage message) {
            Boolean value = operand.evaluate(message);
            return value == null ? null : !value;
        }

        @Override
        public String toString() {
            return "NOT (" + operand + ")";
        }
    }

    /** AND (conjunction) or OR, with SQL's rules for unknown operands. */
    private static final class Junction extends MessageFilter {
        private static final long serialVersionUID = 1L;
        private final boolean conjunction;
        private final MessageFilter[] operands;

        Junction(boolean conjunction, List<MessageFilter> operands) {
            this.conjunction = conjunction;
            this.operands = operands.toArray(new MessageFilter[0]);
        }

        @Override
        Boolean evaluate(MqttMessage message) {
            boolean unknown = false;
            for (MessageFilter operand : operands) {
                Boolean value = operand.evaluate(message);
                if (value == null) {
                    unknown = true;
                } else if (value != conjunction) {
                    return value; // FALSE decides an AND, TRUE an OR
                }
            }
            return unknown ? null : conjunction;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            for (MessageFilter operand : operands) {
                if (text.length() > 0) {
                    text.append(conjunction ? " AND " : " OR ");
                }
                boolean nested = operand instanceof Junction;
                text.append(nested ? "(" : "").append(operand).append(nested ? ")" : "");
            }
            return text.toString();
        }
    }
}
