package io.fleetlb.prom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The line parser behind {@link PrometheusText}; one instance parses one input. The grammar and its
 * leniencies are documented in {@code package-info.java}.
 */
final class TextParser {

    private static final String[] SUFFIXES = {"_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"};

    private final String text;
    private final ParseLimits limits;
    private final boolean openMetrics;

    private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
    private final Map<String, FamilyBuilder> familyOfSample = new HashMap<>();
    private final Map<String, List<Sample>> byName = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private int lineNo;
    private int lineStart;
    private int lineEnd;
    private int pos;

    // Consecutive lines mostly repeat the previous name and labels; reusing those String and Labels
    // instances (after an exact char comparison) keeps a scrape close to one allocation per sample.
    private String lastName;
    private FamilyBuilder lastFamily;
    private List<Sample> lastList;
    private Labels lastLabels = Labels.EMPTY;
    private String[] names = new String[8];
    private String[] values = new String[8];
    private String[] prevNames = new String[8];
    private String[] prevValues = new String[8];
    private int prevCount;
    private final StringBuilder scratch = new StringBuilder();

    TextParser(String text, ParseLimits limits) {
        this.text = text;
        this.limits = limits;
        this.openMetrics = endsWithEof(text);
    }

    MetricsSnapshot parse() throws PrometheusParseException {
        int n = text.length();
        boolean eof = false;
        for (int start = 0; start < n; ) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? n : newline;
            lineNo++;
            lineStart = start;
            lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            if (lineEnd - lineStart > limits.maxLineChars()) {
                lineEnd = lineStart + limits.maxLineChars();
                throw error(lineStart, "line is longer than the limit of " + limits.maxLineChars() + " characters");
            }
            pos = lineStart;
            skipBlanks();
            if (eof && pos < lineEnd) {
                throw error(pos, "content after '# EOF'");
            } else if (pos < lineEnd && isEofLine(text, lineStart, lineEnd)) {
                eof = true;
            } else if (pos < lineEnd && text.charAt(pos) == '#') {
                comment();
            } else if (pos < lineEnd) {
                sample();
            }
            start = newline < 0 ? n : newline + 1;
        }
        return build();
    }

    // ---- comments and metadata -------------------------------------------------------------

    private void comment() throws PrometheusParseException {
        pos++; // '#'
        int afterHash = pos;
        skipBlanks();
        if (pos == afterHash) {
            return; // "#HELP" or "#foo": a plain comment
        }
        int wordStart = pos;
        while (pos < lineEnd && !isBlank(text.charAt(pos))) {
            pos++;
        }
        String keyword = text.substring(wordStart, pos);
        if (!keyword.equals("HELP") && !keyword.equals("TYPE") && !keyword.equals("UNIT")) {
            return;
        }
        skipBlanks();
        if (pos == lineEnd) {
            throw error(pos, keyword + " line without a metric name");
        }
        int nameAt = pos;
        String name = metricName();
        if (pos < lineEnd && !isBlank(text.charAt(pos))) {
            throw error(pos, "unexpected " + describe(pos) + " in metric name of " + keyword + " line");
        }
        skipBlanks();
        FamilyBuilder family = families.computeIfAbsent(name, FamilyBuilder::new);
        switch (keyword) {
            case "HELP" -> {
                if (family.helpLine != 0) {
                    throw error(nameAt, "second HELP line for '" + name + "' (first on line " + family.helpLine + ")");
                }
                family.help = helpText();
                family.helpLine = lineNo;
            }
            case "TYPE" -> type(family, nameAt);
            default -> family.unit = text.substring(pos, trimBlanksEnd(text, pos, lineEnd));
        }
    }

    private void type(FamilyBuilder family, int nameAt) throws PrometheusParseException {
        int wordStart = pos;
        while (pos < lineEnd && !isBlank(text.charAt(pos))) {
            pos++;
        }
        if (wordStart == pos) {
            throw error(pos, "TYPE line without a type");
        }
        String word = text.substring(wordStart, pos);
        MetricType type = MetricType.fromText(word);
        if (type == null) {
            throw error(wordStart, "unknown metric type '" + word + "'");
        }
        skipBlanks();
        if (pos < lineEnd) {
            throw error(pos, "unexpected text after the metric type");
        }
        if (family.typeLine != 0) {
            throw error(nameAt, "second TYPE line for '" + family.name + "' (first on line " + family.typeLine + ")");
        }
        if (!family.samples.isEmpty()) {
            throw error(nameAt, "TYPE line for '" + family.name + "' after its samples");
        }
        family.type = type;
        family.typeLine = lineNo;
    }

    /** HELP text: {@code \\}, {@code \n} and {@code \"} are unescaped, any other backslash is kept. */
    private String helpText() throws PrometheusParseException {
        int end = lineEnd;
        checkSurrogates(pos, end);
        int backslash = text.indexOf('\\', pos);
        if (backslash < 0 || backslash >= end) {
            return text.substring(pos, end);
        }
        scratch.setLength(0);
        for (int i = pos; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < end) {
                char e = text.charAt(i + 1);
                if (e == 'n' || e == '\\' || e == '"') {
                    scratch.append(e == 'n' ? '\n' : e);
                    i++;
                    continue;
                }
            }
            scratch.append(c);
        }
        return scratch.toString();
    }

    // ---- samples ------------------------------------------------------------------------------

    private void sample() throws PrometheusParseException {
        int nameStart = pos;
        String name = metricName();
        skipBlanks();
        Labels labels = Labels.EMPTY;
        if (pos < lineEnd && text.charAt(pos) == '{') {
            labels = labels(true);
            skipBlanks();
        } else if (pos < lineEnd && pos == nameStart + name.length()) {
            throw error(pos, "unexpected " + describe(pos) + " after metric name");
        }
        if (pos == lineEnd) {
            throw error(pos, "missing value for '" + name + "'");
        }
        double value = number("value");
        skipBlanks();
        OptionalLong timestamp = OptionalLong.empty();
        if (pos < lineEnd && text.charAt(pos) != '#') {
            timestamp = OptionalLong.of(timestamp());
            skipBlanks();
        }
        if (pos < lineEnd) {
            exemplar();
        }
        add(new Sample(name, labels, value, timestamp));
    }

    private void add(Sample sample) {
        String name = sample.name();
        if (name != lastName) {
            lastName = name;
            lastFamily = familyOfSample.computeIfAbsent(name, this::resolveFamily);
            lastList = byName.computeIfAbsent(name, k -> new ArrayList<>());
        }
        lastFamily.samples.add(sample);
        lastList.add(sample);
        samples.add(sample);
    }

    /** The family a sample name belongs to: its own, or {@code x} for {@code x_bucket} when x's TYPE allows it. */
    private FamilyBuilder resolveFamily(String name) {
        FamilyBuilder exact = families.get(name);
        if (exact != null) {
            return exact;
        }
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix)) {
                FamilyBuilder base = families.get(name.substring(0, name.length() - suffix.length()));
                if (base != null && base.type.allowsSuffix(suffix)) {
                    return base;
                }
            }
        }
        return families.computeIfAbsent(name, FamilyBuilder::new);
    }

    /** OpenMetrics exemplar {@code # {labels} value [timestamp]}: validated, then dropped. */
    private void exemplar() throws PrometheusParseException {
        if (text.charAt(pos) != '#') {
            throw error(pos, "unexpected text after the sample");
        }
        pos++;
        skipBlanks();
        if (pos == lineEnd || text.charAt(pos) != '{') {
            throw error(pos, "expected '{' to open the exemplar's labels");
        }
        labels(false);
        skipBlanks();
        if (pos == lineEnd) {
            throw error(pos, "missing exemplar value");
        }
        number("exemplar value");
        skipBlanks();
        if (pos < lineEnd) {
            floatSeconds();
            skipBlanks();
            if (pos < lineEnd) {
                throw error(pos, "unexpected text after the exemplar");
            }
        }
    }

    private double number(String what) throws PrometheusParseException {
        int start = pos;
        int end = tokenEnd();
        if (!Numbers.isFloat(text, start, end)) {
            throw error(start, "invalid " + what + " '" + clip(start, end) + "'");
        }
        double v = Numbers.parseFloat(text, start, end);
        if (Double.isInfinite(v) && !Numbers.isInfinityLiteral(text, start)) {
            throw error(start, what + " '" + clip(start, end) + "' is out of range");
        }
        pos = end;
        return v;
    }

    /** 0.0.4: integer milliseconds; OpenMetrics (input ends in {@code # EOF}): float seconds. */
    private long timestamp() throws PrometheusParseException {
        if (openMetrics) {
            return floatSeconds();
        }
        int start = pos;
        int end = tokenEnd();
        Long ms = Numbers.isInteger(text, start, end) ? Numbers.parseLong(text, start, end) : null;
        if (ms == null) {
            throw error(start, "invalid timestamp '" + clip(start, end) + "' (expected integer milliseconds)");
        }
        pos = end;
        return ms;
    }

    private long floatSeconds() throws PrometheusParseException {
        int start = pos;
        int end = tokenEnd();
        double seconds = Numbers.isFloat(text, start, end) ? Numbers.parseFloat(text, start, end) : Double.NaN;
        double ms = seconds * 1000;
        if (!(Math.abs(ms) < 9.2e18)) { // also rejects NaN and the infinities
            throw error(start, "invalid timestamp '" + clip(start, end) + "' (expected seconds)");
        }
        pos = end;
        return Math.round(ms);
    }

    // ---- labels -----------------------------------------------------------------------------

    private Labels labels(boolean keep) throws PrometheusParseException {
        int open = pos++;
        int count = 0;
        while (true) {
            skipBlanks();
            if (pos == lineEnd) {
                throw error(open, "label set not closed with '}'");
            }
            if (text.charAt(pos) == '}') {
                pos++;
                break;
            }
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            int nameStart = pos;
            while (pos < lineEnd && Labels.isNameChar(text.charAt(pos))) {
                pos++;
            }
            if (pos == nameStart || Numbers.isDigit(text.charAt(nameStart))) {
                throw error(nameStart, "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found " + describe(nameStart));
            }
            names[count] = reuse(count < prevCount ? prevNames[count] : null, nameStart, pos);
            skipBlanks();
            expect('=', "after label name '" + names[count] + "'");
            skipBlanks();
            expect('"', "to open the value of label '" + names[count] + "'");
            values[count] = quoted(count < prevCount ? prevValues[count] : null);
            count++;
            skipBlanks();
            if (pos < lineEnd && text.charAt(pos) == ',') {
                pos++;
            } else if (pos < lineEnd && text.charAt(pos) != '}') {
                throw error(pos, "expected ',' or '}' after a label value, found " + describe(pos));
            }
        }
        if (!keep) {
            return Labels.EMPTY;
        }
        Labels labels = sameAsPrevious(count) ? lastLabels : Labels.sorted(names, values, count);
        String duplicate = labels.firstDuplicateName();
        if (duplicate != null) {
            throw error(open, "duplicate label name '" + duplicate + "'");
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
        int start = pos;
        boolean escaped = false;
        for (; pos < lineEnd; pos++) {
            char c = text.charAt(pos);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                escaped = true;
                char e = pos + 1 < lineEnd ? text.charAt(pos + 1) : 0;
                if (e != '\\' && e != '"' && e != 'n') {
                    throw error(pos, "invalid escape sequence in label value (only \\\\, \\\" and \\n are allowed)");
                }
                pos++;
            }
        }
        if (pos == lineEnd) {
            throw error(start - 1, "unterminated label value (missing closing '\"')");
        }
        int end = pos++;
        checkSurrogates(start, end);
        if (!escaped) {
            return reuse(candidate, start, end);
        }
        scratch.setLength(0);
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                c = text.charAt(++i);
                if (c == 'n') {
                    c = '\n';
                }
            }
            scratch.append(c);
        }
        String value = scratch.toString();
        return value.equals(candidate) ? candidate : value;
    }

    // ---- lexical helpers ----------------------------------------------------------------------

    private String metricName() throws PrometheusParseException {
        int start = pos;
        if (pos == lineEnd || !isMetricNameStart(text.charAt(pos))) {
            throw error(pos, "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), found " + describe(pos));
        }
        while (pos < lineEnd && (isMetricNameStart(text.charAt(pos)) || Numbers.isDigit(text.charAt(pos)))) {
            pos++;
        }
        return reuse(lastName, start, pos);
    }

    private static boolean isMetricNameStart(char c) {
        return Labels.isNameStart(c) || c == ':';
    }

    private String reuse(String candidate, int start, int end) {
        if (candidate != null && candidate.length() == end - start && text.regionMatches(start, candidate, 0, end - start)) {
            return candidate;
        }
        return text.substring(start, end);
    }

    private void expect(char c, String where) throws PrometheusParseException {
        if (pos == lineEnd || text.charAt(pos) != c) {
            throw error(pos, "expected '" + c + "' " + where + ", found " + describe(pos));
        }
        pos++;
    }

    /** Rejects unpaired UTF-16 surrogates, the equivalent of the invalid UTF-8 that Prometheus rejects. */
    private void checkSurrogates(int start, int end) throws PrometheusParseException {
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

    private int tokenEnd() {
        int end = pos;
        while (end < lineEnd && !isBlank(text.charAt(end))) {
            end++;
        }
        return end;
    }

    private void skipBlanks() {
        while (pos < lineEnd && isBlank(text.charAt(pos))) {
            pos++;
        }
    }

    private static int trimBlanksEnd(String text, int start, int end) {
        while (end > start && isBlank(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private String describe(int at) {
        return at >= lineEnd ? "end of line" : PrometheusParseException.excerpt(text, at, at + 1, at);
    }

    private String clip(int start, int end) {
        String s = PrometheusParseException.excerpt(text, start, end, start);
        return s.substring(1, s.length() - 1);
    }

    private PrometheusParseException error(int at, String problem) {
        return new PrometheusParseException(lineNo, at - lineStart + 1, problem,
                PrometheusParseException.excerpt(text, lineStart, lineEnd, at));
    }

    // ---- OpenMetrics end marker and result ------------------------------------------------------

    /** {@code # EOF}: optional leading blanks, '#', blanks, "EOF", optional trailing blanks. */
    private static boolean isEofLine(String text, int start, int end) {
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

    /** OpenMetrics is recognised by its mandatory last line, so no content type needs to be passed in. */
    private static boolean endsWithEof(String text) {
        int end = text.length();
        while (end > 0 && (isBlank(text.charAt(end - 1)) || text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        int start = text.lastIndexOf('\n', end - 1) + 1;
        return isEofLine(text, start, end);
    }

    private MetricsSnapshot build() {
        Map<String, MetricFamily> built = new LinkedHashMap<>();
        for (FamilyBuilder f : families.values()) {
            built.put(f.name, f.build());
        }
        Map<String, MetricFamily> bySample = new HashMap<>();
        familyOfSample.forEach((sample, f) -> bySample.put(sample, built.get(f.name)));
        return new MetricsSnapshot(samples, built, byName, bySample, openMetrics);
    }

    /** A family while its lines are still being read. */
    private static final class FamilyBuilder {
        final String name;
        MetricType type = MetricType.UNKNOWN;
        String help = "";
        String unit = "";
        int helpLine;
        int typeLine;
        final List<Sample> samples = new ArrayList<>();

        FamilyBuilder(String name) {
            this.name = name;
        }

        MetricFamily build() {
            return new MetricFamily(name, type, help, unit, samples);
        }
    }
}
