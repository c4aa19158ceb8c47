package io.mqttbridge.routes;

import io.mqttbridge.mqtt.MqttOptions;
import io.mqttbridge.mqtt.functions.MqttFunctions;
import io.mqttbridge.mqtt.sink.MqttSinkConfig;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ContextResolvedTable;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.QueryOperation;
import org.apache.flink.table.operations.SinkModifyOperation;
import org.apache.flink.table.operations.ddl.CreateTableOperation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Executes a routes file on a given environment: registers the MQTT SQL functions, runs every DDL
 * statement, then submits all INSERTs in one StatementSet as one job named after the (first) file (so that
 * routes reading the same MQTT table share one subscription).
 */
@PublicEvolving
public final class RoutesRunner {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesRunner.class);

    /** Statements that would run a query nobody reads, or nest statement sets the runner builds itself. */
    private static final Set<String> REJECTED = Set.of("SELECT", "WITH", "VALUES", "TABLE", "EXECUTE", "BEGIN", "END");

    private static final Pattern FACTORY_FAILURE =
            Pattern.compile("Unable to create a (?:source for reading|sink for writing) table '(?:[^']*\\.)?([^'.]+)'");

    /** SET 'key' = 'value' (quotes optional, '' escapes), as in the SQL client. */
    private static final Pattern SET = Pattern.compile(
            "(?is)^SET\\s+(?:'((?:[^']|'')+)'|([\\w.\\-]+))\\s*=\\s*(?:'((?:[^']|'')*)'|(\\S+))$");
    private static final Pattern RESET = Pattern.compile("(?is)^RESET\\s+(?:'((?:[^']|'')+)'|([\\w.\\-]+))$");

    private RoutesRunner() {}

    /** Submits the job and returns without waiting for it to finish (TableResult#getJobClient). */
    public static TableResult execute(StreamExecutionEnvironment env, RoutesFile routes) {
        return submit(env, routes).result();
    }

    /** A submitted job and the name it was submitted under (the first file's name unless a file SETs 'pipeline.name'). */
    public record Submission(TableResult result, String jobName) {}

    /** As {@link #execute}, and also says which job name was used. */
    public static Submission submit(StreamExecutionEnvironment env, RoutesFile routes) {
        Session session = new Session(env, routes);
        StatementSet set = session.tEnv.createStatementSet();
        List<RoutesStatement> inserts = session.run(insert -> set.addInsertSql(insert.sql()));
        LOG.info("Submitting job '{}' with {} route(s) from {}", session.jobName(), inserts.size(), routes.names());
        try {
            return new Submission(set.execute(), session.jobName());
        } catch (RuntimeException e) {
            // Planning all INSERTs together failed: find the route that fails on its own, if any.
            for (RoutesStatement insert : inserts) {
                session.explainAlone(insert);
            }
            String message = routes.mask(PlannerErrors.describe(e));
            // Not a statement's fault: every INSERT plans on its own.
            throw new IllegalStateException(routes.names() + ": submitting job '" + session.jobName() + "' failed: " + message);
        }
    }

    /** Parses and plans every statement without running anything; throws RoutesException (FILE:LINE:COLUMN). */
    public static void validate(StreamExecutionEnvironment env, RoutesFile routes) {
        validateWithWarnings(env, routes);
    }

    /**
     * As {@link #validate}, and returns what is valid but probably not meant (each also logged at WARN):
     * a route that publishes into a topic an mqtt table of the same file subscribes to (a loop).
     */
    public static List<String> validateWithWarnings(StreamExecutionEnvironment env, RoutesFile routes) {
        Session session = new Session(env, routes);
        List<RoutesStatement> inserts = session.run(session::explainAlone);
        LOG.info("{}: {} statement(s) valid, {} route(s)", routes.names(), routes.routesStatements().size(), inserts.size());
        List<String> warnings = new ArrayList<>();
        for (String warning : MqttLoopCheck.warnings(session.mqttSubscribers, session.publishers)) {
            String masked = routes.mask(warning);
            LOG.warn("{}", masked);
            warnings.add(masked);
        }
        return warnings;
    }

    /**
     * Runs the DDL and resolves the table of every INSERT in the catalog, as {@link #submit} would, but
     * neither plans the queries nor starts a job: a tool that prepares what the routes write to (the
     * local stack creates their Kafka topics) sees the tables exactly as the connectors will.
     *
     * @throws RoutesException (FILE:LINE:COLUMN) for a statement the runner would refuse
     */
    public static RoutesPlan plan(StreamExecutionEnvironment env, RoutesFile routes) {
        Session session = new Session(env, routes);
        Set<RoutesPlan.SinkTable> sinks = new LinkedHashSet<>();
        session.run(insert -> sinks.addAll(session.sinkTables(insert)));
        return new RoutesPlan(session.jobName(), new ArrayList<>(sinks));
    }

    /**
     * The Flink configuration a routes job starts from when it runs locally: {@code
     * checkpoints-config/config.yaml} under {@code projectDir} (checkpointing, state backend, restart
     * strategy) when that file exists, else an empty one.
     *
     * @throws IllegalArgumentException naming the file when it is not valid YAML
     */
    public static Configuration localConfiguration(Path projectDir) {
        return FlinkConfigFile.defaultCheckpointConfig(projectDir).map(FlinkConfigFile::load).orElseGet(Configuration::new);
    }

    /**
     * How the runner reports a failure: the messages of the cause chain, each once, the root cause
     * first; with every substituted ${env:...} value of {@code routes} masked when it is given.
     */
    public static String describe(Throwable error, @Nullable RoutesFile routes) {
        String message = PlannerErrors.describe(error);
        return routes == null ? message : routes.mask(message);
    }

    /** One pass over a file in one table environment. */
    private static final class Session {
        private final RoutesFile routes;
        private final StreamTableEnvironment tEnv;
        /** Table name -> the CREATE TABLE statement that defined it, to blame option errors on it. */
        private final Map<String, RoutesStatement> tableDefinitions = new HashMap<>();
        /** The mqtt tables the file creates with a 'topic-filter': what a route could loop into. */
        private final List<MqttLoopCheck.Subscriber> mqttSubscribers = new ArrayList<>();
        /** The INSERTs into mqtt tables, in file order. */
        private final List<MqttLoopCheck.Publisher> publishers = new ArrayList<>();
        private final MqttClientIdCheck clientIds = new MqttClientIdCheck();

        Session(StreamExecutionEnvironment env, RoutesFile routes) {
            this.routes = routes;
            this.tEnv = StreamTableEnvironment.create(env);
            if (tEnv.getConfig().getOptional(PipelineOptions.NAME).isEmpty()) {
                tEnv.getConfig().set(PipelineOptions.NAME, routes.jobName());
            }
            MqttFunctions.registerTemporarySystemFunctions(tEnv);
        }

        String jobName() {
            return tEnv.getConfig().get(PipelineOptions.NAME);
        }

        /**
         * Executes every other statement in file order first (DDL, SET), then hands each INSERT to {@code
         * onInsert} in file order: a route may name a table declared further down. An INSERT into an mqtt
         * table whose sink would publish with the client ids of an earlier one's is refused.
         */
        List<RoutesStatement> run(InsertHandler onInsert) {
            List<RoutesStatement> inserts = new ArrayList<>();
            for (RoutesStatement statement : routes.routesStatements()) {
                String keyword = statement.keyword();
                if (REJECTED.contains(keyword)) {
                    throw statement.error("a routes file holds DDL and INSERT statements, not " + keyword
                            + ": write each route as INSERT INTO <table> SELECT ...; all INSERTs run"
                            + " together as one job");
                }
                if (keyword.equals("INSERT")) {
                    inserts.add(statement);
                    continue;
                }
                log(statement);
                try {
                    if (keyword.equals("SET") || keyword.equals("RESET")) {
                        configure(statement);
                    } else {
                        executeDdl(statement);
                    }
                } catch (RoutesException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw locate(statement, e);
                }
            }
            if (inserts.isEmpty()) {
                throw new RoutesException(routes.paths().get(0).toString(), 1, 1,
                        "no INSERT statement: the routes need at least one INSERT INTO ... SELECT ... to run");
            }
            for (RoutesStatement insert : inserts) {
                log(insert);
                try {
                    onInsert.accept(insert);
                    for (MqttLoopCheck.Publisher publisher : mqttPublishers(insert)) {
                        String collision = clientIds.claim(publisher);
                        if (collision != null) {
                            throw insert.error(routes.mask(collision));
                        }
                        publishers.add(publisher);
                    }
                } catch (RoutesException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw locate(insert, e);
                }
            }
            return inserts;
        }

        /** The executed SQL, with substituted values masked. */
        private void log(RoutesStatement statement) {
            LOG.info("{}:{}:{}: {}", statement.file(), statement.line(), statement.column(), statement.maskedSql());
        }

        /** The tables an INSERT writes to, resolved in the catalog; the query is validated, not planned. */
        List<RoutesPlan.SinkTable> sinkTables(RoutesStatement insert) {
            List<RoutesPlan.SinkTable> tables = new ArrayList<>();
            for (SinkModifyOperation sink : sinks(insert)) {
                ContextResolvedTable table = sink.getContextResolvedTable();
                tables.add(new RoutesPlan.SinkTable(
                        table.getIdentifier().asSummaryString(), table.getIdentifier().getObjectName(), options(sink)));
            }
            return tables;
        }

        /** The mqtt tables an INSERT publishes to, whether its rows bring their own topic, and with which client ids. */
        private List<MqttLoopCheck.Publisher> mqttPublishers(RoutesStatement insert) {
            List<MqttLoopCheck.Publisher> publishers = new ArrayList<>();
            for (SinkModifyOperation sink : sinks(insert)) {
                ContextResolvedTable table = sink.getContextResolvedTable();
                Map<String, String> options = options(sink);
                if (!MqttLoopCheck.isMqtt(options)) {
                    continue;
                }
                boolean topicPerRow = table.getResolvedSchema().getColumns().stream()
                        .anyMatch(c -> c instanceof Column.MetadataColumn && c.isPersisted()
                                && ((Column.MetadataColumn) c).getMetadataKey().orElse(c.getName()).equals("topic"));
                String prefix = options.getOrDefault(MqttOptions.CLIENT_ID_PREFIX.key(), "").trim();
                if (prefix.isEmpty()) {
                    // the sink's default, as its factory derives it (a blank value means "not given" there too)
                    prefix = MqttSinkConfig.defaultClientIdPrefix(
                            table.getIdentifier().getObjectName(), table.getIdentifier().asSummaryString());
                }
                publishers.add(new MqttLoopCheck.Publisher(
                        insert, table.getIdentifier().getObjectName(), options, topicPerRow, prefix));
            }
            return publishers;
        }

        /** The writes of an INSERT, parsed and resolved in the catalog. */
        private List<SinkModifyOperation> sinks(RoutesStatement insert) {
            List<SinkModifyOperation> sinks = new ArrayList<>();
            for (Operation operation : ((TableEnvironmentInternal) tEnv).getParser().parse(insert.sql())) {
                if (operation instanceof SinkModifyOperation) {
                    sinks.add((SinkModifyOperation) operation);
                }
            }
            return sinks;
        }

        /** The sink table's options; an OPTIONS hint on the INSERT overrides them for this route only. */
        private static Map<String, String> options(SinkModifyOperation sink) {
            Map<String, String> options = new HashMap<>(sink.getContextResolvedTable().getResolvedTable().getOptions());
            options.putAll(sink.getDynamicOptions());
            return options;
        }

        /** Plans one INSERT on its own, sources and sinks included. */
        void explainAlone(RoutesStatement insert) {
            try {
                StatementSet single = tEnv.createStatementSet();
                single.addInsertSql(insert.sql());
                single.explain();
            } catch (RuntimeException e) {
                throw locate(insert, e);
            }
        }

        /** The table environment's executeSql does not take SET (only the SQL client does). */
        private void configure(RoutesStatement statement) {
            Matcher set = SET.matcher(statement.sql());
            Matcher reset = RESET.matcher(statement.sql());
            if (set.matches()) {
                tEnv.getConfig().set(unquote(set.group(1), set.group(2)), unquote(set.group(3), set.group(4)));
            } else if (reset.matches()) {
                tEnv.getConfig().getConfiguration().removeKey(unquote(reset.group(1), reset.group(2)));
            } else {
                throw statement.error("expected SET 'key' = 'value' or RESET 'key'");
            }
        }

        private static String unquote(String quoted, String plain) {
            return quoted != null ? quoted.replace("''", "'") : plain;
        }

        /**
         * Runs a statement that is neither INSERT nor SET. It is parsed first, so that nothing that starts a
         * job of its own (CREATE TABLE ... AS SELECT, a query) runs - not even under --validate.
         */
        private void executeDdl(RoutesStatement statement) {
            List<Operation> operations = ((TableEnvironmentInternal) tEnv).getParser().parse(statement.sql());
            for (Operation operation : operations) {
                if (operation instanceof ModifyOperation || operation instanceof QueryOperation) {
                    throw statement.error("this statement would run a job of its own; a routes file holds DDL and"
                            + " INSERT statements: declare the table with CREATE TABLE, then INSERT INTO it - all"
                            + " INSERTs run together as one job");
                }
                if (operation instanceof CreateTableOperation) {
                    CreateTableOperation create = (CreateTableOperation) operation;
                    tableDefinitions.put(create.getTableIdentifier().getObjectName(), statement);
                    Map<String, String> options = create.getCatalogTable().getOptions();
                    if (MqttLoopCheck.isMqtt(options) && options.containsKey("topic-filter")) {
                        mqttSubscribers.add(new MqttLoopCheck.Subscriber(create.getTableIdentifier().getObjectName(), options));
                    }
                }
            }
            tEnv.executeSql(statement.sql());
        }

        /** A connector's option error belongs to the CREATE TABLE that set the options. */
        private RoutesException locate(RoutesStatement statement, RuntimeException e) {
            String description = PlannerErrors.describe(e);
            // Masked with the whole file: a message may quote the options of any table, e.g. a server URI
            // with a substituted user name.
            RoutesException located = PlannerErrors.locate(statement, description, routes::mask);
            String problem = located.problem();
            Matcher m = FACTORY_FAILURE.matcher(description);
            RoutesStatement definition = m.find() ? tableDefinitions.get(m.group(1)) : null;
            if (definition == null || definition == statement) {
                return new RoutesException(located.file(), located.line(), located.column(), problem);
            }
            return new RoutesException(definition.file(), definition.line(), definition.column(),
                    problem + "\n  (found while planning the INSERT at " + statement.file() + ":" + statement.line()
                            + ":" + statement.column() + ")");
        }
    }

    @FunctionalInterface
    private interface InsertHandler {
        void accept(RoutesStatement insert);
    }
}
