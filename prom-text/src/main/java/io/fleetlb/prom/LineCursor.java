package io.fleetlb.prom;

/**
 * The line being parsed and a position in it, with the lexical helpers and the error factory that
 * the parser's pieces share. Positions are absolute indexes into the whole input.
 */
final class LineCursor {

    final String text;
    int lineNo;
    int lineStart;
    int lineEnd;
    int pos;

    LineCursor(String text) {
        this.text = text;
    }

    void startLine(int start, int end) {
        lineNo++;
        lineStart = start;
        lineEnd = end;
        pos = start;
    }

    boolean atEnd() {
        return pos >= lineEnd;
    }

    /** Whether the char at the position is {@code c} (false at the end of the line). */
    boolean at(char c) {
        return pos < lineEnd && text.charAt(pos) == c;
    }

    void skipBlanks() {
        while (pos < lineEnd && isBlank(text.charAt(pos))) {
            pos++;
        }
    }

    /** The end of the blank-delimited token at the position. */
    int tokenEnd() {
        int end = pos;
        while (end < lineEnd && !isBlank(text.charAt(end))) {
            end++;
        }
        return end;
    }

    /** Reads {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, returning {@code candidate} itself when the chars match it. */
    String metricName(String candidate) throws PrometheusParseException {
        int start = pos;
        if (pos == lineEnd || !isMetricNameChar(text.charAt(pos)) || Numbers.isDigit(text.charAt(pos))) {
            throw error(pos, "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), found " + describe(pos));
        }
        while (pos < lineEnd && isMetricNameChar(text.charAt(pos))) {
            pos++;
        }
        return reuse(candidate, start, pos);
    }

    private static boolean isMetricNameChar(char c) {
        return Labels.isNameChar(c) || c == ':';
    }

    /** {@code text[start, end)} as a String, or {@code candidate} without allocating when equal. */
    String reuse(String candidate, int start, int end) {
        if (candidate != null && candidate.length() == end - start && text.regionMatches(start, candidate, 0, end - start)) {
            return candidate;
        }
        return text.substring(start, end);
    }

    /** Rejects unpaired UTF-16 surrogates, the equivalent of the invalid UTF-8 that Prometheus rejects. */
    void checkSurrogates(int start, int end) throws PrometheusParseException {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw error(i, "unpaired UTF-16 surrogate U+" + Integer.toHexString(c).toUpperCase());
                }
            }
        }
    }

    /** The char at {@code at}, quoted and escaped, or "end of line". */
    String describe(int at) {
        return at >= lineEnd ? "end of line" : PrometheusParseException.excerpt(text, at, at + 1, at);
    }

    /** {@code text[start, end)} escaped and clipped to a short excerpt, without quotes. */
    String clip(int start, int end) {
        String s = PrometheusParseException.excerpt(text, start, end, start);
        return s.substring(1, s.length() - 1);
    }

    PrometheusParseException error(int at, String problem) {
        return new PrometheusParseException(lineNo, at - lineStart + 1, problem,
                PrometheusParseException.excerpt(text, lineStart, lineEnd, at));
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    static int trimBlanksEnd(String text, int start, int end) {
        while (end > start && isBlank(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** {@code # EOF}: optional leading blanks, '#', blanks, "EOF", optional trailing blanks. */
    static boolean isEofLine(String text, int start, int end) {
        while (start < end && isBlank(text.charAt(start))) {
            start++;
        }
        end = trimBlanksEnd(text, start, end);
        if (end - start < 5 || text.charAt(start) != '#' || !isBlank(text.charAt(start + 1))) {
            return false;
        }
        int word = start + 1;
        while (isBlank(text.charAt(word))) {
            word++;
        }
        return end - word == 3 && text.startsWith("EOF", word);
    }
}
