package io.fleetlb.prom;

import static io.fleetlb.prom.GoldenCaptureTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The value grammar (Go's ParseFloat as Prometheus uses it) and the fast path's exactness. */
class NumbersTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.0|1.0", "-1.0|-1.0", "4294967296.0|4294967296.0", "1.7710424574207425e+09|1.7710424574207425e9",
        "9.75010481363281e-06|9.75010481363281e-6", "1.1701968896e+010|1.1701968896e10", "8|8",
        "0.0011764705882353343|0.0011764705882353343", "312.456000|312.456", "+Inf|Infinity", "-Inf|-Infinity",
        "inf|Infinity", "+infinity|Infinity", "-INFINITY|-Infinity", "NaN|NaN", "Nan|NaN", "nan|NaN",
        ".5|0.5", "5.|5.0", "+5|5", "1E5|100000", "00012|12", "1e-400|0.0", "0e99999999999|0.0",
        "-0.0|-0.0", "1.7976931348623157e308|1.7976931348623157e308", "4.9e-324|4.9e-324",
        "123456789012345678901234567890|1.2345678901234568e29",
    })
    void accepted(String literal, String expected) {
        double v = parse("x " + literal + "\n").samples().get(0).value();
        assertThat(Double.doubleToRawLongBits(v)).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(expected)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "-", ".", "e5", "1e", "1e+", "+NaN", "-nan", "0x1p3", "0x10", "1_000", "1d", "1f",
        "1.0.0", "--1", "infinit", "infinityy", "Infinite", "\u0661", "1\u00a0", "\u0131nf", "1e5.0", "true", "1,5"})
    void rejected(String literal) {
        assertThatThrownBy(() -> PrometheusText.parse("x " + literal + "\n"))
                .isInstanceOfSatisfying(PrometheusParseException.class, e -> {
                    assertThat(e.getCause()).isNull();
                    assertThat(e.problem()).startsWith("invalid value");
                    assertThat(e.column()).isEqualTo(3);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e309", "1.8e308", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"})
    void finiteLiteralsThatOverflowAreErrorsAsInGo(String literal) {
        assertThatThrownBy(() -> PrometheusText.parse("x " + literal))
                .hasMessageContaining("out of range");
    }

    @Test
    void fastPathAgreesWithDoubleParseDoubleBitForBit() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            String literal = randomDecimal(random);
            double expected = Double.parseDouble(literal);
            assertThat(Numbers.isFloat(literal, 0, literal.length())).as(literal).isTrue();
            double actual = Numbers.parseFloat(literal, 0, literal.length());
            if (Double.doubleToRawLongBits(actual) != Double.doubleToRawLongBits(expected)) {
                throw new AssertionError(literal + ": " + actual + " != " + expected);
            }
        }
    }

    @Test
    void javaRenderingsOfRandomDoublesRoundTrip() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            String literal = Numbers.format(d);
            double back = Numbers.parseFloat(literal, 0, literal.length());
            if (Double.compare(back, d) != 0 && !(Double.isNaN(d) && Double.isNaN(back))) {
                throw new AssertionError(literal + " parsed as " + back);
            }
        }
    }

    private static String randomDecimal(Random r) {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(4) == 0) {
            sb.append(r.nextBoolean() ? '-' : '+');
        }
        int digits = 1 + r.nextInt(r.nextBoolean() ? 6 : 20);
        int dot = r.nextInt(digits + 1);
        for (int d = 0; d < digits; d++) {
            if (d == dot) {
                sb.append('.');
            }
            sb.append((char) ('0' + r.nextInt(10)));
        }
        if (r.nextBoolean()) {
            sb.append(r.nextBoolean() ? 'e' : 'E');
            int exp = r.nextInt(r.nextBoolean() ? 30 : 700);
            sb.append(r.nextBoolean() ? "-" : r.nextBoolean() ? "+" : "").append(exp);
        }
        return sb.toString();
    }

    @Test
    void integerTimestampsMustFitALong() {
        assertThat(parse("x 1 9223372036854775807").samples().get(0).timestampMillis()).hasValue(Long.MAX_VALUE);
        assertThat(parse("x 1 -9223372036854775808").samples().get(0).timestampMillis()).hasValue(Long.MIN_VALUE);
        assertThatThrownBy(() -> PrometheusText.parse("x 1 9223372036854775808")).hasMessageContaining("invalid timestamp");
        assertThatThrownBy(() -> PrometheusText.parse("x 1 \u0661\u0662")).hasMessageContaining("invalid timestamp");
        assertThatThrownBy(() -> PrometheusText.parse("x 1 NaN\n# EOF")).hasMessageContaining("invalid timestamp");
        assertThatThrownBy(() -> PrometheusText.parse("x 1 1e300\n# EOF")).hasMessageContaining("invalid timestamp");
    }
}
