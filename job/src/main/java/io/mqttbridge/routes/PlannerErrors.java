package io.mqttbridge.routes;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an exception of the SQL parser or planner into a {@link RoutesException} located in the
 * routes file. The planner reports positions relative to the statement it was given ("at line 1,
 * column 8"); they are rewritten to positions in the file, and the first one becomes the location.
 * Errors without a position (a connector factory rejecting an option) point at the statement.
 */
@Internal
final class PlannerErrors {

    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");
    /** Calcite lists every token it would have accepted; the first few say enough. */
    private static final int MAX_LINES = 12;

    private PlannerErrors() {}

    static RoutesException locate(RoutesStatement statement, Throwable error) {
        // Flink prefixes the cause's message with the same sentence again ("SQL validation failed. SQL validation failed.").
        String message = describe(error).replaceAll("([^.\\n]{4,}\\.\\s)\\1+", "$1");
        Matcher m = POSITION.matcher(message);
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
        return new RoutesException(
                statement.file(), location[0], location[1], statement.mask(truncate(rewritten.toString())));
    }

    /** The messages of the cause chain, each once, the root cause always included. */
    static String describe(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t) && chain.size() < 32; t = t.getCause()) {
            chain.add(t);
        }
        List<String> parts = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < chain.size(); i++) {
            boolean root = i == chain.size() - 1;
            if (parts.size() >= 5 && !root) {
                continue;
            }
            Throwable t = chain.get(i);
            String message = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage().strip();
            if (message == null) {
                // An exception without message says something by its type only when it is the cause of it all.
                if (root) {
                    parts.add(t.getClass().getName());
                }
                continue;
            }
            if (all.indexOf(message) >= 0) {
                continue;
            }
            parts.add(root && i > 0 ? t.getClass().getSimpleName() + ": " + message : message);
            all.append(message).append('\n');
        }
        return parts.isEmpty() ? error.getClass().getName() : String.join("\n  caused by: ", parts);
    }

    private static String truncate(String message) {
        String[] lines = message.split("\n", -1);
        if (lines.length <= MAX_LINES) {
            return message;
        }
        return String.join("\n", java.util.Arrays.copyOf(lines, MAX_LINES)) + "\n    ...";
    }
}
