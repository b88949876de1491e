package io.fleetlb.prom;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Entry point: parses Prometheus text exposition (0.0.4) or OpenMetrics 1.0 text into an immutable
 * {@link MetricsSnapshot}, throwing only the checked {@link PrometheusParseException} for any input.
 *
 * <pre>{@code
 * MetricsSnapshot m = PrometheusText.parse(body);
 * double running = m.sum("vllm:num_requests_running");   // summed across engines
 * }</pre>
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** Parses with {@link ParseLimits#DEFAULT} (16 MiB input, 1 MiB per line). */
    public static MetricsSnapshot parse(CharSequence text) throws PrometheusParseException {
        return parse(text, ParseLimits.DEFAULT);
    }

    /**
     * Parses {@code text}; a bad line, an oversize input or an oversize line is a
     * {@link PrometheusParseException}, never another exception.
     */
    public static MetricsSnapshot parse(CharSequence text, ParseLimits limits) throws PrometheusParseException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(limits, "limits");
        if (text.length() > limits.maxInputChars()) {
            throw new PrometheusParseException(0, 0, "input of " + text.length()
                    + " characters exceeds the limit of " + limits.maxInputChars(), "");
        }
        try {
            return new TextParser(text.toString(), limits).parse();
        } catch (RuntimeException bug) {
            // A scrape loop must see a failed scrape, not an unexpected exception; tests and the fuzzer
            // treat a parse exception with a cause as a bug.
            throw new PrometheusParseException("internal parser error", bug);
        }
    }

    /** Decodes strict UTF-8 (malformed bytes are a parse error, not U+FFFD) and parses, with default limits. */
    public static MetricsSnapshot parseUtf8(byte[] utf8) throws PrometheusParseException {
        return parseUtf8(utf8, ParseLimits.DEFAULT);
    }

    /** As {@link #parseUtf8(byte[])}; the input limit is applied to the byte count, before decoding. */
    public static MetricsSnapshot parseUtf8(byte[] utf8, ParseLimits limits) throws PrometheusParseException {
        Objects.requireNonNull(utf8, "utf8");
        if (utf8.length > limits.maxInputChars()) {
            throw new PrometheusParseException(0, 0, "input of " + utf8.length
                    + " bytes exceeds the limit of " + limits.maxInputChars(), "");
        }
        if (isAscii(utf8)) { // every real scrape: one compact copy instead of a char buffer and a string
            return parse(new String(utf8, StandardCharsets.ISO_8859_1), limits);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length); // UTF-8 never yields more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position(); // the 3-argument decode leaves it at the start of the bad sequence
            throw new PrometheusParseException(lineOf(utf8, offset), 0,
                    "invalid UTF-8 at byte offset " + offset, "");
        }
        return parse(out.flip(), limits);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
