package io.fleetlb.prom;

import java.util.List;
import java.util.Locale;

/** The type a {@code # TYPE} line declares for a metric family, in Prometheus 0.0.4 or OpenMetrics 1.0 terms. */
public enum MetricType {
    COUNTER("_total", "_created"),
    GAUGE,
    HISTOGRAM("_bucket", "_sum", "_count", "_created"),
    SUMMARY("_sum", "_count", "_created"),
    GAUGEHISTOGRAM("_bucket", "_gsum", "_gcount"),
    INFO("_info"),
    STATESET,
    /** No TYPE line, or {@code untyped} (0.0.4) / {@code unknown} (OpenMetrics). */
    UNKNOWN;

    private final List<String> suffixes;

    MetricType(String... suffixes) {
        this.suffixes = List.of(suffixes);
    }

    /** The sample-name suffixes that make a sample part of a family of this type, e.g. {@code _bucket}. */
    public List<String> sampleSuffixes() {
        return suffixes;
    }

    boolean allowsSuffix(String suffix) {
        return suffixes.contains(suffix);
    }

    /** Maps the word of a TYPE line (ASCII case-insensitive) to a type, or {@code null} when it names none. */
    static MetricType fromText(String word) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "counter": return COUNTER;
            case "gauge": return GAUGE;
            case "histogram": return HISTOGRAM;
            case "summary": return SUMMARY;
            case "gaugehistogram": return GAUGEHISTOGRAM;
            case "info": return INFO;
            case "stateset": return STATESET;
            case "untyped":
            case "unknown": return UNKNOWN;
            default: return null;
        }
    }
}
