package io.fleetlb.prom;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz targets: for any input the only allowed outcomes are a snapshot or a
 * {@link PrometheusParseException} without a cause (a cause is a parser bug the facade contained).
 * A successful parse must also survive render → re-parse unchanged.
 *
 * <p>Under {@code mvn verify} this runs in regression mode: each file under
 * {@code src/test/resources/io/fleetlb/prom/PrometheusTextFuzzTestInputs/<method>/} is replayed once
 * (seeds plus every crash found so far), in a few seconds. Real coverage-guided fuzzing runs one
 * target per invocation until the first finding or the annotation's {@code maxDuration} (jazzer-junit
 * takes the duration only from there; edit it for a longer campaign):
 * <pre>
 * cd prom-text &amp;&amp; JAZZER_FUZZ=1 ../mvnw -B verify -Dtest='PrometheusTextFuzzTest#utf8' -Dsurefire.failIfNoSpecifiedTests=false
 * cd prom-text &amp;&amp; JAZZER_FUZZ=1 ../mvnw -B verify -Dtest='PrometheusTextFuzzTest#chars' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * The growing corpus goes to {@code prom-text/.cifuzz-corpus/} (git-ignored); a crash is written to the
 * inputs directory above as {@code crash-<sha1>}: commit it and it replays as a regression test.
 */
class PrometheusTextFuzzTest {

    /** Raw bytes through the strict UTF-8 entry point, as the scraper receives them. */
    @FuzzTest(maxDuration = "5m")
    void utf8(byte[] data) {
        try {
            check(PrometheusText.parseUtf8(data));
        } catch (PrometheusParseException e) {
            rethrowBug(e);
        }
    }

    /**
     * Bytes as Latin-1 chars, with 0xFE and 0xFF standing for a low and a high surrogate, so the
     * fuzzer reaches NULs, controls and unpaired UTF-16 that a UTF-8 decoder would never hand over.
     */
    @FuzzTest(maxDuration = "5m")
    void chars(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1).replace('\u00fe', '\udc00').replace('\u00ff', '\ud800');
        try {
            check(PrometheusText.parse(text, ParseLimits.DEFAULT.withMaxLineChars(4096)));
        } catch (PrometheusParseException e) {
            rethrowBug(e);
        }
    }

    private static void check(MetricsSnapshot m) throws PrometheusParseException {
        int inFamilies = 0;
        for (MetricFamily f : m.families()) {
            inFamilies += f.samples().size();
        }
        assertThat(inFamilies).isEqualTo(m.samples().size());
        for (Sample s : m.samples()) {
            assertThat(m.family(s.name())).isPresent();
            assertThat(m.samples(s.name())).contains(s);
        }
        MetricsSnapshot again = PrometheusText.parse(TextWriter.plain(m.samples()));
        assertThat(again.samples()).isEqualTo(m.samples());
    }

    private static void rethrowBug(PrometheusParseException e) {
        if (e.getCause() != null) {
            throw new AssertionError("parser bug contained as a parse error", e.getCause());
        }
        assertThat(e.getMessage()).isNotEmpty();
    }
}
