package io.fleetlb.prom;

/**
 * The one exception the parser throws for bad input: its message names the 1-based line and column,
 * what was wrong, and a short sanitized excerpt of the offending line.
 *
 * <p>Errors about the input as a whole (too large, not UTF-8) report line 0. An exception with a
 * {@linkplain #getCause() cause} marks a parser bug that the facade contained rather than let escape.
 */
public final class PrometheusParseException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final int EXCERPT_BEFORE = 40;
    private static final int EXCERPT_AFTER = 40;

    private final int line;
    private final int column;
    private final String problem;

    PrometheusParseException(int line, int column, String problem, String excerpt) {
        super(location(line, column) + problem + (excerpt.isEmpty() ? "" : ": " + excerpt));
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    PrometheusParseException(String problem, Throwable cause) {
        super(problem + ": " + cause, cause);
        this.line = 0;
        this.column = 0;
        this.problem = problem;
    }

    private static String location(int line, int column) {
        if (line <= 0) {
            return "";
        }
        return column > 0 ? "line " + line + ", column " + column + ": " : "line " + line + ": ";
    }

    /** The 1-based line of the error, or 0 when the error concerns the whole input. */
    public int line() {
        return line;
    }

    /** The 1-based column (UTF-16 char) of the error within its line, or 0 when unknown. */
    public int column() {
        return column;
    }

    /** What was wrong, without location or excerpt. */
    public String problem() {
        return problem;
    }

    /**
     * Quotes up to 40 chars either side of {@code at} within {@code [lineStart, lineEnd)}, with
     * control, non-ASCII and surrogate chars escaped as {@code \\uXXXX} so a log line stays one safe line.
     */
    static String excerpt(CharSequence text, int lineStart, int lineEnd, int at) {
        int from = Math.max(lineStart, at - EXCERPT_BEFORE);
        int to = Math.min(lineEnd, Math.max(at, from) + EXCERPT_AFTER);
        StringBuilder sb = new StringBuilder(to - from + 16).append('\'');
        if (from > lineStart) {
            sb.append("...");
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\\') {
                sb.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04X", (int) c));
            }
        }
        if (to < lineEnd) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
