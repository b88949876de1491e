package io.fleetlb.prom;

import java.util.Arrays;

/**
 * Reads a {@code {name="value",...}} label set at the cursor. Consecutive samples mostly repeat the
 * previous line's names, values and whole label set; reusing those instances (after an exact char
 * comparison) keeps a scrape close to one allocation per sample.
 */
final class LabelReader {

    private final LineCursor c;
    private final StringBuilder scratch = new StringBuilder();
    private Labels lastLabels = Labels.EMPTY;
    private String[] names = new String[8];
    private String[] values = new String[8];
    private String[] prevNames = new String[8];
    private String[] prevValues = new String[8];
    private int prevCount;

    LabelReader(LineCursor cursor) {
        this.c = cursor;
    }

    /** Reads from the '{' through the '}'; with {@code keep} false (exemplars) validates only. */
    Labels read(boolean keep) throws PrometheusParseException {
        int open = c.pos++;
        int count = 0;
        while (true) {
            c.skipBlanks();
            if (c.atEnd()) {
                throw c.error(open, "label set not closed with '}'");
            }
            if (c.at('}')) {
                c.pos++;
                break;
            }
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            int nameStart = c.pos;
            while (c.pos < c.lineEnd && Labels.isNameChar(c.text.charAt(c.pos))) {
                c.pos++;
            }
            if (c.pos == nameStart || Numbers.isDigit(c.text.charAt(nameStart))) {
                throw c.error(nameStart, "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found " + c.describe(nameStart));
            }
            names[count] = c.reuse(count < prevCount ? prevNames[count] : null, nameStart, c.pos);
            c.skipBlanks();
            if (!c.at('=')) { // messages are built only on failure: this loop runs for every label
                throw c.error(c.pos, "expected '=' after label name '" + names[count] + "', found " + c.describe(c.pos));
            }
            c.pos++;
            c.skipBlanks();
            if (!c.at('"')) {
                throw c.error(c.pos, "expected '\"' to open the value of label '" + names[count] + "', found "
                        + c.describe(c.pos));
            }
            c.pos++;
            values[count] = quoted(count < prevCount ? prevValues[count] : null);
            count++;
            c.skipBlanks();
            if (c.at(',')) {
                c.pos++;
            } else if (!c.atEnd() && !c.at('}')) {
                throw c.error(c.pos, "expected ',' or '}' after a label value, found " + c.describe(c.pos));
            }
        }
        if (!keep) {
            return Labels.EMPTY;
        }
        Labels labels = sameAsPrevious(count) ? lastLabels : Labels.sorted(names, values, count);
        String duplicate = labels.firstDuplicateName();
        if (duplicate != null) {
            throw c.error(open, "duplicate label name '" + duplicate + "'");
        }
        String[] swap = prevNames;
        prevNames = names;
        names = swap;
        swap = prevValues;
        prevValues = values;
        values = swap;
        prevCount = count;
        lastLabels = labels;
        return labels;
    }

    private boolean sameAsPrevious(int count) {
        if (count != prevCount) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (names[i] != prevNames[i] || values[i] != prevValues[i]) {
                return false;
            }
        }
        return true;
    }

    /** A label value after its opening quote: escapes {@code \\ \" \n}; anything else after a backslash is an error. */
    private String quoted(String candidate) throws PrometheusParseException {
        String text = c.text;
        int start = c.pos;
        boolean escaped = false;
        for (; c.pos < c.lineEnd; c.pos++) {
            char ch = text.charAt(c.pos);
            if (ch == '"') {
                break;
            }
            if (ch == '\\') {
                escaped = true;
                char e = c.pos + 1 < c.lineEnd ? text.charAt(c.pos + 1) : 0;
                if (e != '\\' && e != '"' && e != 'n') {
                    throw c.error(c.pos, "invalid escape sequence in label value (only \\\\, \\\" and \\n are allowed)");
                }
                c.pos++;
            }
        }
        if (c.atEnd()) {
            throw c.error(start - 1, "unterminated label value (missing closing '\"')");
        }
        int end = c.pos++;
        c.checkSurrogates(start, end);
        if (!escaped) {
            return c.reuse(candidate, start, end);
        }
        scratch.setLength(0);
        for (int i = start; i < end; i++) {
            char ch = text.charAt(i);
            if (ch == '\\') {
                ch = text.charAt(++i);
                if (ch == 'n') {
                    ch = '\n';
                }
            }
            scratch.append(ch);
        }
        String value = scratch.toString();
        return value.equals(candidate) ? candidate : value;
    }
}
