package io.fleetlb.prom;

import static io.fleetlb.prom.GoldenCaptureTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Adversarial input: every outcome must be a result or a {@link PrometheusParseException} without a
 * cause (a cause would mean a contained parser bug), with a precise location and a safe message.
 * The class timeout only turns a hang into a failure; it is not a speed target.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MalformedInputTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // input (newline, CR, tab, NUL and UTF-16 units written as backslash escapes) | line | column | problem contains
        "foo{a=\"b} 1                 | 1 | 7  | unterminated label value",
        "foo                          | 1 | 4  | missing value for 'foo'",
        "foo{a=\"b\"}                 | 1 | 11 | missing value",
        "foo{a=\"\\x\"} 1             | 1 | 8  | invalid escape sequence",
        "foo{a=\"x\\\"} 1             | 1 | 7  | unterminated label value",
        "foo abc                      | 1 | 5  | invalid value 'abc'",
        "foo{a=\"b\" 1                | 1 | 11 | expected ',' or '}'",
        "foo{a=\"b\",                 | 1 | 4  | label set not closed",
        "foo{                         | 1 | 4  | label set not closed",
        "foo{a} 1                     | 1 | 6  | expected '=' after label name 'a'",
        "foo{a=b} 1                   | 1 | 7  | expected '\"' to open the value of label 'a'",
        "foo{a='b'} 1                 | 1 | 7  | expected '\"'",
        "foo{,} 1                     | 1 | 5  | expected a label name",
        "foo{1a=\"b\"} 1              | 1 | 5  | expected a label name",
        "foo{a-b=\"c\"} 1             | 1 | 6  | expected '='",
        "foo{a:b=\"c\"} 1             | 1 | 6  | expected '='",
        "foo{a=\"b\",a=\"c\"} 1       | 1 | 4  | duplicate label name 'a'",
        "1foo 1                       | 1 | 1  | expected a metric name",
        "foo-bar 1                    | 1 | 4  | unexpected '-' after metric name",
        "foo\"bar\" 1                 | 1 | 4  | after metric name",
        "{\"foo.bar\"} 1              | 1 | 1  | expected a metric name",
        "foo 1 2 3                    | 1 | 9  | unexpected text after the sample",
        "foo 1 1.5                    | 1 | 7  | integer milliseconds",
        "foo 1 99999999999999999999   | 1 | 7  | invalid timestamp",
        "foo 1e400                    | 1 | 5  | out of range",
        "foo 1 #                      | 1 | 8  | expected '{' to open the exemplar",
        "foo 1 # {a=\"b\"}            | 1 | 16 | missing exemplar value",
        "foo 1 # {a=\"b\"} x          | 1 | 17 | invalid exemplar value",
        "foo 1 # {a=\"b\"} 1 2 3      | 1 | 21 | unexpected text after the exemplar",
        "# TYPE foo                   | 1 | 11 | TYPE line without a type",
        "# TYPE foo blah              | 1 | 12 | unknown metric type 'blah'",
        "# TYPE foo gauge extra       | 1 | 18 | unexpected text after the metric type",
        "# TYPE 9foo gauge            | 1 | 8  | expected a metric name",
        "# TYPE foo{} gauge           | 1 | 11 | in metric name of TYPE line",
        "# HELP                       | 1 | 7  | HELP line without a metric name",
        "# UNIT                       | 1 | 7  | UNIT line without a metric name",
        "# TYPE foo gauge\\n# TYPE foo counter | 2 | 8 | second TYPE line for 'foo' (first on line 1)",
        "# HELP foo a\\n# HELP foo b  | 2 | 8  | second HELP line for 'foo'",
        "foo 1\\n# TYPE foo gauge     | 2 | 8  | TYPE line for 'foo' after its samples",
        "a 1\\n# EOF\\nfoo 1          | 3 | 1  | content after '# EOF'",
        "a 1\\n# EOF\\n# EOF          | 3 | 1  | content after '# EOF'",
        "foo{a=\"\\uD800\"} 1         | 1 | 8  | unpaired UTF-16 surrogate U+D800",
        "foo{a=\"\\uDC00x\"} 1        | 1 | 8  | unpaired UTF-16 surrogate U+DC00",
        "# HELP foo ab\\uDBFF         | 1 | 14 | unpaired UTF-16 surrogate U+DBFF",
        "foo\\0 1                     | 1 | 4  | unexpected '\\u0000' after metric name",
        "\\0                          | 1 | 1  | found '\\u0000'",
        "foo{a=\"b\"\\0} 1            | 1 | 10 | found '\\u0000'",
        "foo \\uD83D\\uDE00           | 1 | 5  | invalid value '\\uD83D\\uDE00'",
        "\\r\\r\\n                    | 1 | 1  | found '\\u000D'",
        "ok 1\\n\\nfoo{a=\"b          | 3 | 7  | unterminated label value",
    })
    void malformed(String escapedInput, int line, int column, String problem) {
        String input = unescape(escapedInput.strip());
        assertThatThrownBy(() -> PrometheusText.parse(input))
                .isInstanceOfSatisfying(PrometheusParseException.class, e -> {
                    assertThat(e.getCause()).as("contained bug").isNull();
                    assertThat(e.problem()).contains(problem);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.getMessage()).startsWith("line " + line + ", column " + column + ": ");
                    assertSafe(e.getMessage());
                });
    }

    @Test
    void oneMegabyteLineParsesUnderTheDefaultLimitAndFailsUnderASmallerOne() throws PrometheusParseException {
        String big = "x".repeat(1_000_000);
        String text = "ok 1\nbig{v=\"" + big + "\"} 2\n";
        MetricsSnapshot m = PrometheusText.parse(text);
        assertThat(m.samples("big").get(0).label("v")).hasSize(1_000_000);

        assertThatThrownBy(() -> PrometheusText.parse(text, ParseLimits.DEFAULT.withMaxLineChars(65_536)))
                .isInstanceOfSatisfying(PrometheusParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.problem()).isEqualTo("line is longer than the limit of 65536 characters");
                    assertThat(e.getMessage()).hasSizeLessThan(300);
                });
    }

    @Test
    void inputOverTheLimitIsRejectedBeforeParsing() {
        String text = "a 1\n".repeat(1000);
        assertThatThrownBy(() -> PrometheusText.parse(text, ParseLimits.DEFAULT.withMaxInputChars(3999)))
                .isInstanceOfSatisfying(PrometheusParseException.class, e -> {
                    assertThat(e.line()).isZero();
                    assertThat(e.getMessage()).isEqualTo("input of 4000 characters exceeds the limit of 3999");
                });
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PrometheusText.parseUtf8(bytes, ParseLimits.DEFAULT.withMaxInputChars(100)))
                .hasMessage("input of 4000 bytes exceeds the limit of 100");
    }

    @Test
    void defaultLimitIsSixteenMebibytes() throws PrometheusParseException {
        StringBuilder sb = new StringBuilder((16 << 20) + 1);
        String line = "#".repeat(63) + "\n";
        while (sb.length() < 16 << 20) {
            sb.append(line); // 64 divides 2^24: exactly at the limit
        }
        assertThat(PrometheusText.parse(sb).samples()).isEmpty();
        sb.append('\n');
        assertThatThrownBy(() -> PrometheusText.parse(sb)).hasMessageContaining("exceeds the limit of 16777216");
    }

    @Test
    void invalidUtf8IsAnErrorNamingTheByteOffsetAndLine() {
        byte[] bytes = "a 1\nb{v=\"\u00e9\"} 2\n".getBytes(StandardCharsets.UTF_8);
        bytes[8] = (byte) 0xC3; // é is C3 A9; make it C3 C3
        bytes[9] = (byte) 0xC3;
        assertThatThrownBy(() -> PrometheusText.parseUtf8(bytes))
                .isInstanceOfSatisfying(PrometheusParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).isEqualTo("line 2: invalid UTF-8 at byte offset 8");
                });
    }

    @Test
    void hundredThousandSamples() throws PrometheusParseException {
        StringBuilder sb = new StringBuilder("# TYPE vllm:num_requests_running gauge\n");
        for (int i = 0; i < 100_000; i++) {
            sb.append("vllm:num_requests_running{engine=\"").append(i).append("\",model_name=\"m\"} ").append(i % 7).append('\n');
        }
        MetricsSnapshot m = PrometheusText.parse(sb);
        assertThat(m.samples()).hasSize(100_000);
        long expected = 0;
        for (int i = 0; i < 100_000; i++) {
            expected += i % 7;
        }
        assertThat(m.sum("vllm:num_requests_running")).isEqualTo((double) expected);
        assertThat(m.family("vllm:num_requests_running").orElseThrow().samples()).hasSize(100_000);
    }

    @Test
    void hugeDegenerateLinesFailFastWithShortMessages() {
        String[] inputs = {
            "{".repeat(1_000_000),
            "a{" + "b=\"c\",".repeat(150_000) + "} 1",
            "a{" + "x=\"\\\\".repeat(200_000),
            "a " + "9".repeat(1_000_000) + "e",
            "# HELP a " + "\\".repeat(1_000_000) + "\uD800",
            "a{b=\"" + "\uD800".repeat(100_000) + "\"} 1",
            "\n".repeat(1_000_000) + "\u0000",
            "#".repeat(1_000_000) + "\nx",
        };
        for (String input : inputs) {
            assertThatThrownBy(() -> PrometheusText.parse(input))
                    .isInstanceOfSatisfying(PrometheusParseException.class, e -> {
                        assertThat(e.getCause()).isNull();
                        assertThat(e.getMessage()).hasSizeLessThan(400);
                        assertSafe(e.getMessage());
                    });
        }
    }

    @Test
    void everyPrefixOfARealScrapeParsesOrFailsCleanly() {
        String text = Captures.text(Captures.V1).substring(0, 12_000);
        for (int cut = 0; cut <= text.length(); cut++) {
            String prefix = text.substring(0, cut);
            try {
                MetricsSnapshot m = PrometheusText.parse(prefix);
                assertThat(m.samples().size()).isLessThanOrEqualTo(cut / 4 + 1);
            } catch (PrometheusParseException e) {
                if (e.getCause() != null) {
                    fail("contained bug at cut " + cut, e.getCause());
                }
                assertThat(e.line()).isPositive();
            }
        }
    }

    @Test
    void randomMutationsOfRealScrapesParseOrFailCleanly() {
        Random random = new Random(20_251_123);
        char[] alphabet = "{}=\",\\ \t\n\r#:_.+-eE0123456789aZ\u0000\uD800\uDC00\u00e9".toCharArray();
        for (String capture : new String[] {Captures.V1, Captures.V0}) {
            String original = Captures.text(capture);
            for (int round = 0; round < 3_000; round++) {
                StringBuilder sb = new StringBuilder(original);
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    int at = random.nextInt(sb.length());
                    switch (random.nextInt(4)) {
                        case 0 -> sb.setCharAt(at, alphabet[random.nextInt(alphabet.length)]);
                        case 1 -> sb.insert(at, alphabet[random.nextInt(alphabet.length)]);
                        case 2 -> sb.deleteCharAt(at);
                        default -> sb.insert(at, sb, at, Math.min(sb.length(), at + random.nextInt(64)));
                    }
                }
                try {
                    PrometheusText.parse(sb);
                } catch (PrometheusParseException e) {
                    if (e.getCause() != null) {
                        fail("contained bug on mutation round " + round, e.getCause());
                    }
                }
            }
        }
    }

    /** A message must stay one printable ASCII line, whatever the input held. */
    private static void assertSafe(String message) {
        assertThat(message.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(message).isTrue();
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                switch (e) {
                    case 'n' -> { sb.append('\n'); i++; continue; }
                    case 'r' -> { sb.append('\r'); i++; continue; }
                    case 't' -> { sb.append('\t'); i++; continue; }
                    case '0' -> { sb.append('\0'); i++; continue; }
                    case 'u' -> { sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16)); i += 5; continue; }
                    default -> { }
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
