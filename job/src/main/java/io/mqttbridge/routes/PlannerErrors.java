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

    /** The messages of the cause chain, each once. */
    static String describe(Throwable error) {
        List<String> parts = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null && parts.size() < 6; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                continue;
            }
            message = message.strip();
            if (all.indexOf(message) >= 0) {
                continue;
            }
            parts.add(message);
            all.append(message).append('\n');
        }
        if (parts.isEmpty()) {
            return error.getClass().getName();
        }
        return String.join("\n  caused by: ", parts);
    }

    private static String truncate(String message) {
        String[] lines = message.split("\n", -1);
        if (lines.length <= MAX_LINES) {
            return message;
        }
        return String.join("\n", java.util.Arrays.copyOf(lines, MAX_LINES)) + "\n    ...";
    }
}
