package io.fleetlb.prom;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The line parser behind {@link PrometheusText}: lines, metadata, samples and their families. One
 * instance parses one input; the grammar and its leniencies are documented in {@code package-info.java}.
 */
final class TextParser {

    private static final String[] KEYWORDS = {"HELP", "TYPE", "UNIT"};
    private static final String[] SUFFIXES = {"_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"};

    private final LineCursor c;
    private final LabelReader labelReader;
    private final ParseLimits limits;
    private final boolean openMetrics;
    private final StringBuilder scratch = new StringBuilder();

    private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
    private final Map<String, FamilyBuilder> familyOfSample = new HashMap<>();
    private final Map<String, List<Sample>> byName = new HashMap<>();
    private final List<Sample> samples;

    // The previous sample's name and where its samples went: consecutive lines mostly share them.
    private String lastName;
    private FamilyBuilder lastFamily;
    private List<Sample> lastList;

    TextParser(String text, ParseLimits limits) {
        this.c = new LineCursor(text);
        this.labelReader = new LabelReader(c);
        this.limits = limits;
        this.openMetrics = endsWithEof(text);
        this.samples = new ArrayList<>(Math.min(text.length() / 64, 1 << 16)); // real lines: 60-300 chars
    }

    MetricsSnapshot parse() throws PrometheusParseException {
        String text = c.text;
        int n = text.length();
        boolean eof = false;
        for (int start = 0; start < n; ) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? n : newline;
            c.startLine(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            if (c.lineEnd - start > limits.maxLineChars()) {
                c.lineEnd = start + limits.maxLineChars(); // keeps the excerpt short
                throw c.error(start, "line is longer than the limit of " + limits.maxLineChars() + " characters");
            }
            c.skipBlanks();
            if (c.atEnd()) {
                // blank line
            } else if (eof) {
                throw c.error(c.pos, "content after '# EOF'");
            } else if (LineCursor.isEofLine(text, c.lineStart, c.lineEnd)) {
                eof = true;
            } else if (c.at('#')) {
                comment();
            } else {
                sample();
            }
            start = newline < 0 ? n : newline + 1;
        }
        return build();
    }

    /** OpenMetrics is recognised by its mandatory last line, so no content type needs to be passed in. */
    private static boolean endsWithEof(String text) {
        int end = text.length();
        while (end > 0 && (LineCursor.isBlank(text.charAt(end - 1)) || text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        int start = text.lastIndexOf('\n', end - 1) + 1;
        return LineCursor.isEofLine(text, start, end);
    }

    // ---- comments and metadata -------------------------------------------------------------

    private void comment() throws PrometheusParseException {
        c.pos++; // '#'
        int afterHash = c.pos;
        c.skipBlanks();
        if (c.pos == afterHash) {
            return; // "#HELP" or "#foo": a plain comment
        }
        int wordStart = c.pos;
        c.pos = c.tokenEnd();
        String keyword = keyword(wordStart, c.pos);
        if (keyword == null) {
            return;
        }
        c.skipBlanks();
        if (c.atEnd()) {
            throw c.error(c.pos, keyword + " line without a metric name");
        }
        int nameAt = c.pos;
        String name = c.metricName(lastName);
        if (!c.atEnd() && !LineCursor.isBlank(c.text.charAt(c.pos))) {
            throw c.error(c.pos, "unexpected " + c.describe(c.pos) + " in metric name of " + keyword + " line");
        }
        c.skipBlanks();
        FamilyBuilder family = families.computeIfAbsent(name, FamilyBuilder::new);
        switch (keyword) {
            case "HELP" -> {
                if (family.helpLine != 0) {
                    throw c.error(nameAt, "second HELP line for '" + name + "' (first on line " + family.helpLine + ")");
                }
                family.help = helpText();
                family.helpLine = c.lineNo;
            }
            case "TYPE" -> type(family, nameAt);
            default -> family.unit = c.text.substring(c.pos, LineCursor.trimBlanksEnd(c.text, c.pos, c.lineEnd));
        }
    }

    /** "HELP", "TYPE" or "UNIT" when {@code text[start, end)} spells one, else null (a plain comment). */
    private String keyword(int start, int end) {
        for (String k : KEYWORDS) {
            if (end - start == k.length() && c.text.startsWith(k, start)) {
                return k;
            }
        }
        return null;
    }

    private void type(FamilyBuilder family, int nameAt) throws PrometheusParseException {
        int wordStart = c.pos;
        c.pos = c.tokenEnd();
        if (wordStart == c.pos) {
            throw c.error(c.pos, "TYPE line without a type");
        }
        String word = c.text.substring(wordStart, c.pos);
        MetricType type = MetricType.fromText(word);
        if (type == null) {
            throw c.error(wordStart, "unknown metric type '" + c.clip(wordStart, c.pos) + "'");
        }
        c.skipBlanks();
        if (!c.atEnd()) {
            throw c.error(c.pos, "unexpected text after the metric type");
        }
        if (family.typeLine != 0) {
            throw c.error(nameAt, "second TYPE line for '" + family.name + "' (first on line " + family.typeLine + ")");
        }
        if (!family.samples.isEmpty()) {
            throw c.error(nameAt, "TYPE line for '" + family.name + "' after its samples");
        }
        family.type = type;
        family.typeLine = c.lineNo;
    }

    /** HELP text: {@code \\}, {@code \n} and {@code \"} are unescaped, any other backslash is kept. */
    private String helpText() throws PrometheusParseException {
        String text = c.text;
        int end = c.lineEnd;
        c.checkSurrogates(c.pos, end);
        int backslash = text.indexOf('\\', c.pos);
        if (backslash < 0 || backslash >= end) {
            return text.substring(c.pos, end);
        }
        scratch.setLength(0);
        for (int i = c.pos; i < end; i++) {
            char ch = text.charAt(i);
            if (ch == '\\' && i + 1 < end) {
                char e = text.charAt(i + 1);
                if (e == 'n' || e == '\\' || e == '"') {
                    scratch.append(e == 'n' ? '\n' : e);
                    i++;
                    continue;
                }
            }
            scratch.append(ch);
        }
        return scratch.toString();
    }

    // ---- samples ------------------------------------------------------------------------------

    private void sample() throws PrometheusParseException {
        int nameStart = c.pos;
        String name = c.metricName(lastName);
        boolean separated = c.pos < c.lineEnd && LineCursor.isBlank(c.text.charAt(c.pos));
        c.skipBlanks();
        Labels labels = Labels.EMPTY;
        if (c.at('{')) {
            labels = labelReader.read(true);
            c.skipBlanks();
        } else if (!c.atEnd() && !separated) {
            throw c.error(nameStart + name.length(), "unexpected " + c.describe(c.pos) + " after metric name");
        }
        if (c.atEnd()) {
            throw c.error(c.pos, "missing value for '" + name + "'");
        }
        double value = number("value");
        c.skipBlanks();
        OptionalLong timestamp = OptionalLong.empty();
        if (!c.atEnd() && !c.at('#')) {
            timestamp = OptionalLong.of(openMetrics ? floatSeconds() : milliseconds());
            c.skipBlanks();
        }
        if (!c.atEnd()) {
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
        if (!c.at('#')) {
            throw c.error(c.pos, "unexpected text after the sample");
        }
        c.pos++;
        c.skipBlanks();
        if (!c.at('{')) {
            throw c.error(c.pos, "expected '{' to open the exemplar's labels");
        }
        labelReader.read(false);
        c.skipBlanks();
        if (c.atEnd()) {
            throw c.error(c.pos, "missing exemplar value");
        }
        number("exemplar value");
        c.skipBlanks();
        if (!c.atEnd()) {
            floatSeconds();
            c.skipBlanks();
            if (!c.atEnd()) {
                throw c.error(c.pos, "unexpected text after the exemplar");
            }
        }
    }

    private double number(String what) throws PrometheusParseException {
        int start = c.pos;
        int end = c.tokenEnd();
        if (!Numbers.isFloat(c.text, start, end)) {
            throw c.error(start, "invalid " + what + " '" + c.clip(start, end) + "'");
        }
        double v = Numbers.parseFloat(c.text, start, end);
        if (Double.isInfinite(v) && !Numbers.isInfinityLiteral(c.text, start)) {
            throw c.error(start, what + " '" + c.clip(start, end) + "' is out of range");
        }
        c.pos = end;
        return v;
    }

    /** A 0.0.4 timestamp: integer milliseconds. */
    private long milliseconds() throws PrometheusParseException {
        int start = c.pos;
        int end = c.tokenEnd();
        Long ms = Numbers.isInteger(c.text, start, end) ? Numbers.parseLong(c.text, start, end) : null;
        if (ms == null) {
            throw c.error(start, "invalid timestamp '" + c.clip(start, end) + "' (expected integer milliseconds)");
        }
        c.pos = end;
        return ms;
    }

    /** An OpenMetrics timestamp: float seconds, finite, returned as rounded milliseconds. */
    private long floatSeconds() throws PrometheusParseException {
        int start = c.pos;
        int end = c.tokenEnd();
        double seconds = Numbers.isFloat(c.text, start, end) ? Numbers.parseFloat(c.text, start, end) : Double.NaN;
        double ms = seconds * 1000;
        if (!(Math.abs(ms) < 9.2e18)) { // also rejects NaN and the infinities
            throw c.error(start, "invalid timestamp '" + c.clip(start, end) + "' (expected seconds)");
        }
        c.pos = end;
        return Math.round(ms);
    }

    private MetricsSnapshot build() {
        Map<String, MetricFamily> built = new LinkedHashMap<>();
        for (FamilyBuilder f : families.values()) {
            built.put(f.name, new MetricFamily(f.name, f.type, f.help, f.unit, f.samples));
        }
        Map<String, MetricFamily> bySample = new HashMap<>();
        familyOfSample.forEach((sample, f) -> bySample.put(sample, built.get(f.name)));
        return new MetricsSnapshot(samples, built, byName, bySample, openMetrics);
    }

    /** A family while its lines are still being read. */
    private static final class FamilyBuilder {
        final String name;
        final List<Sample> samples = new ArrayList<>();
        MetricType type = MetricType.UNKNOWN;
        String help = "";
        String unit = "";
        int helpLine;
        int typeLine;

        FamilyBuilder(String name) {
            this.name = name;
        }
    }
}
