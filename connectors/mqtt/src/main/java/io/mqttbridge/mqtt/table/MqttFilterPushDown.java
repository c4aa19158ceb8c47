package io.mqttbridge.mqtt.table;

import io.mqttbridge.connector.options.OptionChecks;
import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.filter.MessageAttribute;
import io.mqttbridge.mqtt.filter.MessageFilter;
import io.mqttbridge.mqtt.filter.MessageFilterParser;
import io.mqttbridge.mqtt.filter.MessageFilterSyntaxException;
import io.mqttbridge.mqtt.source.MqttSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import javax.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an {@code 'mqtt'} table tests before decoding: its {@code message-filter} option, and the
 * predicates of a route's WHERE on the metadata columns topic, qos, retained, user-properties['k'],
 * message-id, client-id, client-host and username, which the planner pushes into the scan.
 *
 * <p>A pushed filter makes a scan of its own: the planner merges the scans of one table (several
 * INSERTs) into one source only when their pushed filters are equal. Two sources with the table's
 * client ids would take each other's sessions over, and two in one shared group would split the
 * messages between them. So a source with a pushed filter subscribes as a subscription of its own: in
 * the shared group {@code <shared-group>-<hash>} and with the default client ids of that group (without
 * a group, default client ids whose hash covers the filter); {@code <hash>} covers the pushed filter
 * as the planner wrote it. A table with an explicit {@code client-id-prefix} pins its sessions, so it
 * takes no push-down and the WHERE stays in the plan.
 */
@Internal
final class MqttFilterPushDown {

    @Nullable private final MessageFilter messageFilter;
    /** Column name -> metadata key, for the metadata columns of the table. */
    private final Map<String, String> metadataColumns;
    private final Configuration options;
    private final String tableName;
    private final String qualifiedTableName;
    private final boolean explicitClientIds;

    private MqttFilterPushDown(
            @Nullable MessageFilter messageFilter,
            Map<String, String> metadataColumns,
            Configuration options,
            String tableName,
            String qualifiedTableName) {
        this.messageFilter = messageFilter;
        this.metadataColumns = metadataColumns;
        this.options = options;
        this.tableName = tableName;
        this.qualifiedTableName = qualifiedTableName;
        this.explicitClientIds = options.getOptional(MqttOptions.CLIENT_ID_PREFIX).isPresent();
    }

    /** @throws IllegalArgumentException naming 'message-filter' and the position of a syntax error */
    static MqttFilterPushDown forTable(DynamicTableFactory.Context context, ReadableConfig options) {
        MessageFilter messageFilter = options.getOptional(MqttTableOptions.MESSAGE_FILTER)
                .map(MqttFilterPushDown::parseOption)
                .orElse(null);
        Map<String, String> metadataColumns = new HashMap<>();
        for (Column column : context.getCatalogTable().getResolvedSchema().getColumns()) {
            if (column instanceof Column.MetadataColumn) {
                Column.MetadataColumn metadata = (Column.MetadataColumn) column;
                metadataColumns.put(column.getName(), metadata.getMetadataKey().orElse(column.getName()));
            }
        }
        ObjectIdentifier table = context.getObjectIdentifier();
        return new MqttFilterPushDown(
                messageFilter,
                metadataColumns,
                Configuration.fromMap(context.getCatalogTable().getOptions()),
                table.getObjectName(),
                table.asSummaryString());
    }

    static MessageFilter parseOption(String text) {
        try {
            return MessageFilterParser.parse(text);
        } catch (MessageFilterSyntaxException e) {
            throw (IllegalArgumentException) OptionChecks.invalid(MqttTableOptions.MESSAGE_FILTER, text, e.expectation()).initCause(e);
        }
    }

    @Nullable
    MessageFilter messageFilter() {
        return messageFilter;
    }

    /** False for a table with an explicit client-id-prefix (see the class comment). */
    boolean acceptsPushDown() {
        return !explicitClientIds;
    }

    /** The predicate as a message filter, or empty when it is not one on the message's attributes. */
    Optional<MessageFilter> convert(ResolvedExpression predicate) {
        try {
            return Optional.ofNullable(predicate(predicate));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // e.g. a literal of another type: the planner keeps the predicate
        }
    }

    /**
     * The source configuration of a scan with pushed predicates: a shared group and client ids of its
     * own, derived from the predicates as the planner wrote them (its scan digest covers the same).
     */
    MqttSourceConfig configFor(List<ResolvedExpression> pushed) {
        String identity = pushed.stream().map(MqttFilterPushDown::describe).collect(Collectors.joining(" AND "));
        String hash = sha256Hex8(identity);
        Configuration derived = new Configuration();
        derived.addAll(options);
        options.getOptional(MqttOptions.SHARED_GROUP)
                .ifPresent(group -> derived.set(MqttOptions.SHARED_GROUP, group.trim() + "-" + hash));
        return MqttSourceConfig.forTable(derived, tableName, qualifiedTableName + "\npushed-filter=" + identity);
    }

    @Nullable
    private MessageFilter predicate(ResolvedExpression e) {
        if (e instanceof FieldReferenceExpression) {
            MessageAttribute attribute = attribute(e);
            return attribute == MessageAttribute.RETAINED ? MessageFilter.isTrue(attribute) : null;
        }
        if (!(e instanceof CallExpression)) {
            return null;
        }
        FunctionDefinition f = ((CallExpression) e).getFunctionDefinition();
        List<ResolvedExpression> args = e.getResolvedChildren();
        if (f == BuiltInFunctionDefinitions.AND || f == BuiltInFunctionDefinitions.OR) {
            List<MessageFilter> operands = new ArrayList<>();
            for (ResolvedExpression arg : args) {
                MessageFilter operand = predicate(arg);
                if (operand == null) {
                    return null;
                }
                operands.add(operand);
            }
            return f == BuiltInFunctionDefinitions.AND ? MessageFilter.and(operands) : MessageFilter.or(operands);
        }
        if (f == BuiltInFunctionDefinitions.NOT) {
            MessageFilter operand = predicate(args.get(0));
            return operand == null ? null : MessageFilter.not(operand);
        }
        if (f == BuiltInFunctionDefinitions.IS_NULL || f == BuiltInFunctionDefinitions.IS_NOT_NULL) {
            MessageAttribute attribute = attribute(args.get(0));
            return attribute == null ? null : MessageFilter.isNull(attribute, f == BuiltInFunctionDefinitions.IS_NOT_NULL);
        }
        if (f == BuiltInFunctionDefinitions.LIKE) {
            MessageAttribute attribute = attribute(args.get(0));
            Object pattern = args.size() == 2 ? literal(args.get(1)) : null;
            // no ESCAPE, and no backslash whose meaning could differ from the planner's LIKE
            return attribute == null || !(pattern instanceof String) || ((String) pattern).indexOf('\\') >= 0
                    ? null
                    : MessageFilter.like(attribute, (String) pattern);
        }
        MessageFilter.Operator op = operator(f);
        if (op == null || args.size() != 2) {
            return null;
        }
        MessageAttribute attribute = attribute(args.get(0));
        Object literal = literal(args.get(1));
        if (attribute == null) { // literal op attribute
            attribute = attribute(args.get(1));
            literal = literal(args.get(0));
            op = flipped(op);
        }
        return attribute == null || literal == null ? null : MessageFilter.compare(attribute, op, literal);
    }

    @Nullable
    private static MessageFilter.Operator operator(FunctionDefinition f) {
        if (f == BuiltInFunctionDefinitions.EQUALS) {
            return MessageFilter.Operator.EQ;
        } else if (f == BuiltInFunctionDefinitions.NOT_EQUALS) {
            return MessageFilter.Operator.NE;
        } else if (f == BuiltInFunctionDefinitions.LESS_THAN) {
            return MessageFilter.Operator.LT;
        } else if (f == BuiltInFunctionDefinitions.LESS_THAN_OR_EQUAL) {
            return MessageFilter.Operator.LE;
        } else if (f == BuiltInFunctionDefinitions.GREATER_THAN) {
            return MessageFilter.Operator.GT;
        } else if (f == BuiltInFunctionDefinitions.GREATER_THAN_OR_EQUAL) {
            return MessageFilter.Operator.GE;
        }
        return null;
    }

    private static MessageFilter.Operator flipped(MessageFilter.Operator op) {
        switch (op) {
            case LT:
                return MessageFilter.Operator.GT;
            case LE:
                return MessageFilter.Operator.GE;
            case GT:
                return MessageFilter.Operator.LT;
            case GE:
                return MessageFilter.Operator.LE;
            default:
                return op;
        }
    }

    /** A metadata column that is a message attribute, or user-properties['k'] with a literal key. */
    @Nullable
    private MessageAttribute attribute(ResolvedExpression e) {
        if (e instanceof CallExpression
                && ((CallExpression) e).getFunctionDefinition() == BuiltInFunctionDefinitions.AT
                && "user-properties".equals(metadataKey(e.getResolvedChildren().get(0)))) {
            Object key = literal(e.getResolvedChildren().get(1));
            return key instanceof String ? MessageAttribute.userProperty((String) key) : null;
        }
        String key = metadataKey(e);
        if (key == null) {
            return null;
        }
        switch (key) {
            case "topic":
                return MessageAttribute.TOPIC;
            case "qos":
                return MessageAttribute.QOS;
            case "retained":
                return MessageAttribute.RETAINED;
            case "message-id":
                return MessageAttribute.userProperty(options.get(MqttTableOptions.MESSAGE_ID_PROPERTY));
            case "client-id":
                return MessageAttribute.userProperty(options.get(MqttTableOptions.CLIENT_ID_PROPERTY));
            case "client-host":
                return MessageAttribute.userProperty(options.get(MqttTableOptions.CLIENT_HOST_PROPERTY));
            case "username":
                return MessageAttribute.userProperty(options.get(MqttTableOptions.USERNAME_PROPERTY));
            default:
                return null;
        }
    }

    @Nullable
    private String metadataKey(ResolvedExpression e) {
        if (!(e instanceof FieldReferenceExpression)) {
            return null;
        }
        String key = metadataColumns.get(((FieldReferenceExpression) e).getName());
        if (key == null) {
            return null;
        }
        // a column declared with another type than the metadata's is cast by the planner: not ours to read
        LogicalTypeRoot declared = e.getOutputDataType().getLogicalType().getTypeRoot();
        LogicalTypeRoot produced = MqttReadableMetadata.ofKey(key).dataType().getLogicalType().getTypeRoot();
        return declared == produced ? key : null;
    }

    @Nullable
    private static Object literal(ResolvedExpression e) {
        if (!(e instanceof ValueLiteralExpression)) {
            return null;
        }
        ValueLiteralExpression literal = (ValueLiteralExpression) e;
        for (Class<?> type : new Class<?>[] {String.class, Long.class, Integer.class, Short.class, Byte.class, Boolean.class}) {
            Optional<?> value = literal.getValueAs(type);
            if (value.isPresent()) {
                return value.get();
            }
        }
        return null;
    }

    /** The expression with the type of every node, so that predicates the planner tells apart stay apart. */
    private static String describe(ResolvedExpression e) {
        String children = e.getResolvedChildren().stream().map(MqttFilterPushDown::describe).collect(Collectors.joining(", "));
        String node = e instanceof CallExpression
                ? ((CallExpression) e).getFunctionName()
                : e.asSummaryString();
        return node + ":" + e.getOutputDataType() + (children.isEmpty() ? "" : "(" + children + ")");
    }

    private static String sha256Hex8(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return String.format("%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
