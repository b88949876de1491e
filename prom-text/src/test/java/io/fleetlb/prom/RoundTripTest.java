package io.fleetlb.prom;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Property: any snapshot rendered by {@link TextWriter} (random names, nasty label values, special
 * values, timestamps, shuffled label order, noisy whitespace, either format) parses back to exactly
 * the same samples, families, types and HELP texts.
 */
class RoundTripTest {

    private static final MetricType[] TYPES = {MetricType.GAUGE, MetricType.COUNTER, MetricType.HISTOGRAM,
        MetricType.SUMMARY, MetricType.UNKNOWN};
    private static final String VALUE_CHARS = "aZ09 _-,={}/\\\"\n\t#:.\u0000\u00e9\u2603";
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 4294967296.0,
        1.1701968896e10, 9.75010481363281e-06, 0.0011764705882353343};

    @RepeatedTest(400)
    void renderedSnapshotsParseBackExactly(RepetitionInfo repetition) throws PrometheusParseException {
        Random random = new Random(repetition.getCurrentRepetition() * 7919L);
        boolean openMetrics = random.nextInt(3) == 0;
        TextWriter writer = new TextWriter(random, openMetrics);
        List<Sample> expected = new ArrayList<>();
        Map<String, MetricType> expectedTypes = new LinkedHashMap<>();
        Map<String, String> expectedHelp = new LinkedHashMap<>();
        Map<String, String> expectedFamilyOf = new LinkedHashMap<>();

        int families = random.nextInt(12);
        for (int f = 0; f < families; f++) {
            String family = "fam" + f + randomName(random, ":_");
            MetricType type = TYPES[random.nextInt(TYPES.length)];
            if (random.nextBoolean()) {
                // The format cannot carry leading blanks in HELP: parsers skip them after the name.
                String help = randomValue(random).replaceFirst("^[ \t]+", "");
                writer.help(family, help);
                expectedHelp.put(family, help);
            }
            if (type != MetricType.UNKNOWN || random.nextBoolean()) {
                writer.type(family, type);
            }
            if (random.nextInt(4) == 0) {
                writer.comment("comment " + randomName(random, ""));
            }
            expectedTypes.put(family, type);
            List<String> names = sampleNames(family, type, openMetrics);
            for (int s = random.nextInt(6); s > 0; s--) {
                String name = names.get(random.nextInt(names.size()));
                Sample sample = new Sample(name, randomLabels(random), randomValue(random, s), randomTimestamp(random));
                writer.sample(sample);
                expected.add(sample);
                expectedFamilyOf.put(name, family);
            }
        }
        if (openMetrics) {
            writer.eof();
        }
        String text = writer.toString();

        MetricsSnapshot m = PrometheusText.parse(text);
        assertThat(m.samples()).as(text).isEqualTo(expected);
        assertThat(m.isOpenMetrics()).isEqualTo(openMetrics);
        expectedTypes.forEach((family, type) -> assertThat(m.type(family)).as(family).isEqualTo(type));
        expectedHelp.forEach((family, help) -> assertThat(m.help(family).orElse("")).isEqualTo(help));
        expectedFamilyOf.forEach((sample, family) ->
                assertThat(m.family(sample).orElseThrow().name()).as(sample).isEqualTo(family));
        assertThat(PrometheusText.parse(TextWriter.plain(m.samples())).samples()).isEqualTo(expected);
    }

    private static List<String> sampleNames(String family, MetricType type, boolean openMetrics) {
        return switch (type) {
            case COUNTER -> openMetrics ? List.of(family + "_total", family + "_created") : List.of(family);
            case HISTOGRAM -> List.of(family + "_bucket", family + "_sum", family + "_count");
            case SUMMARY -> List.of(family, family + "_sum", family + "_count");
            default -> List.of(family);
        };
    }

    private static Labels randomLabels(Random random) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            labels.put((random.nextBoolean() ? "_" : "l") + randomName(random, ""), randomValue(random));
        }
        return Labels.of(labels);
    }

    private static String randomName(Random random, String extra) {
        String chars = "abcXYZ_019" + extra;
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            sb.append(chars.charAt(random.nextInt(chars.length())));
        }
        return sb.toString();
    }

    private static String randomValue(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            if (random.nextInt(20) == 0) {
                sb.append("\uD83D\uDE00"); // a valid surrogate pair
            } else {
                sb.append(VALUE_CHARS.charAt(random.nextInt(VALUE_CHARS.length())));
            }
        }
        return sb.toString();
    }

    private static double randomValue(Random random, int salt) {
        return switch (random.nextInt(4)) {
            case 0 -> SPECIAL[random.nextInt(SPECIAL.length)];
            case 1 -> random.nextInt(1000) * salt;
            case 2 -> Double.longBitsToDouble(random.nextLong());
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
        };
    }

    private static OptionalLong randomTimestamp(Random random) {
        return random.nextInt(3) == 0
                ? OptionalLong.of(random.nextLong() % 10_000_000_000_000L)
                : OptionalLong.empty();
    }
}
