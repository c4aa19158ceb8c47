package io.mqttbridge.routes;

import org.apache.flink.annotation.PublicEvolving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A routes file read, ${env:...}-substituted and split into statements, each with its position in
 * the file for error messages.
 */
@PublicEvolving
public final class RoutesFile {

    private final Path path;
    private final List<RoutesStatement> statements;

    private RoutesFile(Path path, List<RoutesStatement> statements) {
        this.path = path;
        this.statements = List.copyOf(statements);
    }

    /**
     * Reads {@code file}, substitutes ${env:NAME} / ${env:NAME:-default} from {@code env}, splits.
     *
     * @throws RoutesException when the file cannot be read, a quote or comment is never closed, or a
     *     variable is unset without default; the message never contains a variable's value
     */
    public static RoutesFile load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RoutesException(file.toString(), 1, 1, "routes file not found (working directory: "
                    + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new RoutesException(file.toString(), 1, 1, "cannot read the routes file: " + e, e);
        }
        // A byte order mark (editors on Windows) is not part of the first statement.
        return parse(file, text.startsWith("\uFEFF") ? text.substring(1) : text, env);
    }

    /** Same as {@link #load} for text already in memory; {@code file} names it in messages. */
    public static RoutesFile parse(Path file, String text, Map<String, String> env) {
        String name = file.toString();
        List<RoutesStatement> statements = new ArrayList<>();
        for (StatementSplitter.RawStatement raw : StatementSplitter.split(name, text)) {
            statements.add(EnvSubstitution.substitute(name, raw, env));
        }
        return new RoutesFile(file, statements);
    }

    public Path path() {
        return path;
    }

    /** Job name: the file name without extension. */
    public String jobName() {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Masks every substituted value of the file that occurs in {@code message} (see {@link RoutesStatement#mask}). */
    public String mask(String message) {
        String result = message;
        for (RoutesStatement statement : statements) {
            result = statement.mask(result);
        }
        return result;
    }

    /** The statements with their positions and masked forms. */
    public List<RoutesStatement> routesStatements() {
        return statements;
    }
}
