package io.fleetlb.prom;

import java.util.List;
import java.util.Random;

/**
 * Test-only renderer of samples in the 0.0.4 text format (or OpenMetrics with float-second
 * timestamps), optionally with shuffled label order and noisy but legal whitespace.
 */
final class TextWriter {

    private final StringBuilder out = new StringBuilder();
    private final Random noise;
    private final boolean openMetrics;

    TextWriter(Random noise, boolean openMetrics) {
        this.noise = noise;
        this.openMetrics = openMetrics;
    }

    /** Renders samples plainly, one per line, in order: the oracle for parse → render → parse. */
    static String plain(List<Sample> samples) {
        TextWriter w = new TextWriter(null, false);
        samples.forEach(w::sample);
        return w.toString();
    }

    TextWriter help(String family, String text) {
        out.append("# HELP ").append(family).append(' ');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c == '\\' ? "\\\\" : c == '\n' ? "\\n" : String.valueOf(c));
        }
        out.append('\n'); // no noise: HELP keeps trailing blanks
        return this;
    }

    TextWriter type(String family, MetricType type) {
        out.append("# TYPE ").append(family).append(' ').append(type.name().toLowerCase());
        return newline();
    }

    TextWriter comment(String text) {
        out.append("# ").append(text);
        return newline();
    }

    TextWriter sample(Sample s) {
        out.append(s.name());
        Labels labels = s.labels();
        if (!labels.isEmpty() || (noise != null && noise.nextInt(8) == 0)) {
            out.append('{');
            int n = labels.size();
            int offset = noise == null || n == 0 ? 0 : noise.nextInt(n); // rotate: order must not matter
            for (int k = 0; k < n; k++) {
                int i = (k + offset) % n;
                if (k > 0) {
                    out.append(',').append(blanks());
                }
                out.append(labels.name(i)).append("=\"");
                Labels.appendEscaped(out, labels.value(i));
                out.append('"');
            }
            if (n > 0 && noise != null && noise.nextInt(4) == 0) {
                out.append(',');
            }
            out.append('}');
        }
        out.append(' ').append(blanks()).append(Numbers.format(s.value()));
        if (s.timestampMillis().isPresent()) {
            long ms = s.timestampMillis().getAsLong();
            out.append(' ').append(openMetrics ? seconds(ms) : Long.toString(ms));
        }
        return newline();
    }

    private static String seconds(long ms) {
        return (ms < 0 ? "-" : "") + Math.abs(ms / 1000) + "." + String.format("%03d", Math.abs(ms % 1000));
    }

    private String blanks() {
        return noise != null && noise.nextInt(6) == 0 ? (noise.nextBoolean() ? "  " : "\t") : "";
    }

    private TextWriter newline() {
        if (noise != null && noise.nextInt(10) == 0) {
            out.append(noise.nextBoolean() ? "  \n" : "\r\n\n");
        } else {
            out.append(noise != null && noise.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        return this;
    }

    /** Ends an OpenMetrics document. */
    TextWriter eof() {
        out.append("# EOF\n");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
