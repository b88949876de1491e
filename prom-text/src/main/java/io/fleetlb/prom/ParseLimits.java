package io.fleetlb.prom;

/**
 * Bounds on what the parser accepts, so that a misbehaving endpoint yields a parse error instead of
 * eating the scraper's memory.
 *
 * @param maxInputChars the largest input accepted, in chars (bytes for {@link PrometheusText#parseUtf8})
 * @param maxLineChars  the longest line accepted, in chars, not counting its line terminator
 */
public record ParseLimits(int maxInputChars, int maxLineChars) {

    /** 16 MiB of input, 1 MiB per line: far above any real exporter (a vLLM scrape is ~50 KB). */
    public static final ParseLimits DEFAULT = new ParseLimits(16 * 1024 * 1024, 1024 * 1024);

    public ParseLimits {
        if (maxInputChars <= 0) {
            throw new IllegalArgumentException("maxInputChars must be positive: " + maxInputChars);
        }
        if (maxLineChars <= 0) {
            throw new IllegalArgumentException("maxLineChars must be positive: " + maxLineChars);
        }
    }

    public ParseLimits withMaxInputChars(int max) {
        return new ParseLimits(max, maxLineChars);
    }

    public ParseLimits withMaxLineChars(int max) {
        return new ParseLimits(maxInputChars, max);
    }
}
