package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns an exception of the SQL parser or planner into a {@link RoutesException} located in the
 * routes file. The planner reports positions relative to the statement it was given ("at line 1,
 * column 8"); they are rewritten to positions in the file, and the first one becomes the location.
 * Errors without a position (a connector factory rejecting an option) point at the statement.
 */
@Internal
public final class PlannerErrors {

    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");
    /** Calcite lists every token it would have accepted, factories every option: the first lines say enough. */
    private static final int MAX_PART_LINES = 12;
    private static final int MAX_PARTS = 5;

    private PlannerErrors() {}

    /**
     * @param description the error's {@link #describe} text
     * @param mask masks substituted values in the message (at least this statement's)
     */
    static RoutesException locate(RoutesStatement statement, String description, UnaryOperator<String> mask) {
        Matcher m = POSITION.matcher(description);
        int[] location = null;
        StringBuilder rewritten = new StringBuilder();
        while (m.find()) {
            int[] inFile = statement.filePosition(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            if (location == null) {
                location = inFile;
            }
            m.appendReplacement(rewritten, "line " + inFile[0] + ", column " + inFile[1]);
        }
        m.appendTail(rewritten);
        if (location == null) {
            location = new int[] {statement.line(), statement.column()};
        }
        // No cause attached: the planner's own messages may quote substituted values.
        return new RoutesException(statement.file(), location[0], location[1], mask.apply(rewritten.toString()));
    }

    /**
     * The messages of the cause chain, each once, most specific first: the root cause (what is wrong),
     * then the exceptions that wrapped it (where it happened), each introduced by "from:".
     */
    public static String describe(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t) && chain.size() < 32; t = t.getCause()) {
            chain.add(t);
        }
        List<String> parts = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < chain.size(); i++) {
            Throwable t = chain.get(i);
            boolean root = i == chain.size() - 1;
            String message = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage().strip();
            if (message == null) {
                // An exception without a message says something by its type only when it is the cause of it all.
                if (root) {
                    parts.add(t.getClass().getName());
                }
                continue;
            }
            // Flink repeats the cause's message in the wrapper, and its first sentence twice
            // ("SQL validation failed. SQL validation failed. From line ...").
            message = message.replaceAll("([^.\\n]{4,}\\.\\s)\\1+", "$1");
            if (all.indexOf(message) >= 0) {
                continue;
            }
            parts.add(compact(message));
            all.append(message).append('\n');
        }
        if (parts.isEmpty()) {
            return error.getClass().getName();
        }
        if (parts.size() > MAX_PARTS) {
            parts = new ArrayList<>(parts.subList(0, MAX_PARTS - 1));
            parts.add(compact(chain.get(chain.size() - 1).toString()));
        }
        StringBuilder result = new StringBuilder(parts.get(parts.size() - 1));
        for (int i = parts.size() - 2; i >= 0; i--) {
            result.append("\n  from: ").append(parts.get(i).replace("\n", "\n  "));
        }
        return result.toString();
    }

    /** Without blank lines, at most {@link #MAX_PART_LINES} lines. */
    private static String compact(String message) {
        List<String> lines = Arrays.stream(message.split("\n"))
                .filter(line -> !line.isBlank())
                .collect(Collectors.toList());
        if (lines.size() > MAX_PART_LINES) {
            lines = new ArrayList<>(lines.subList(0, MAX_PART_LINES));
            lines.add("...");
        }
        return String.join("\n", lines);
    }
}
