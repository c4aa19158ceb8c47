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
import java.util.stream.Collectors;

/**
 * A routes file read, ${env:...}-substituted and split into statements, each with its position in
 * the file for error messages; or several such files, one after the other, that run as one job.
 */
@PublicEvolving
public final class RoutesFile {

    private final List<Path> paths;
    private final List<RoutesStatement> statements;

    private RoutesFile(List<Path> paths, List<RoutesStatement> statements) {
        this.paths = List.copyOf(paths);
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

    /**
     * {@link #load} for each of {@code files}, their statements in the order given: one job, whose
     * tables every file sees (a table defined twice fails at the second definition, FILE:LINE:COLUMN).
     * The job is named after the first file.
     */
    public static RoutesFile load(List<Path> files, Map<String, String> env) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no routes file given");
        }
        List<RoutesStatement> statements = new ArrayList<>();
        for (Path file : files) {
            statements.addAll(load(file, env).statements);
        }
        return new RoutesFile(files, statements);
    }

    /** Same as {@link #load} for text already in memory; {@code file} names it in messages. */
    public static RoutesFile parse(Path file, String text, Map<String, String> env) {
        String name = file.toString();
        List<RoutesStatement> statements = new ArrayList<>();
        for (StatementSplitter.RawStatement raw : StatementSplitter.split(name, text)) {
            statements.add(EnvSubstitution.substitute(name, raw, env));
        }
        return new RoutesFile(List.of(file), statements);
    }

    /** The files, in the order their statements run. */
    public List<Path> paths() {
        return paths;
    }

    /** The files as messages name them: {@code a.sql}, or {@code a.sql, b.sql}. */
    public String names() {
        return paths.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    /** Job name: the (first) file's name without extension. */
    public String jobName() {
        String name = paths.get(0).getFileName().toString();
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
