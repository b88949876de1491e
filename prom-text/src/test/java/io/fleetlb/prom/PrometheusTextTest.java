package io.fleetlb.prom;

import static io.fleetlb.prom.GoldenCaptureTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Format features of 0.0.4 and OpenMetrics text, one at a time. */
class PrometheusTextTest {

    @Test
    void labelValuesKeepCommasEqualsBracesSlashesAndEscapes() {
        MetricsSnapshot m = parse("""
                x{running_lora_adapters="a,b",q="k=v",br="{}",path="/v1/x y",bs="a\\\\b",qt="say \\"hi\\"",nl="1\\n2"} 1
                """);
        Sample s = m.samples().get(0);
        assertThat(s.labels().asMap()).containsExactly(
                java.util.Map.entry("br", "{}"), java.util.Map.entry("bs", "a\\b"), java.util.Map.entry("nl", "1\n2"),
                java.util.Map.entry("path", "/v1/x y"), java.util.Map.entry("q", "k=v"),
                java.util.Map.entry("qt", "say \"hi\""), java.util.Map.entry("running_lora_adapters", "a,b"));
    }

    @Test
    void labelOrderDoesNotMatterAndTrailingCommaAndBlanksAreLegal() {
        MetricsSnapshot m = parse("a{x=\"1\",y=\"2\"} 1\na{ y = \"2\" ,\tx=\"1\", } 2\na{} 3\na 4\n");
        List<Sample> s = m.samples("a");
        assertThat(s.get(0).labels()).isEqualTo(s.get(1).labels()).hasSameHashCodeAs(s.get(1).labels());
        assertThat(s.get(2).labels()).isEqualTo(Labels.EMPTY).isEqualTo(s.get(3).labels());
        assertThat(m.sum("a")).isEqualTo(10.0);
    }

    @Test
    void crlfBlankLinesLeadingBlanksAndNoFinalNewline() {
        MetricsSnapshot m = parse("\r\n# TYPE g gauge\r\n\r\n   g{a=\"b\"} 1.5\r\n\t\ng 2");
        assertThat(m.samples()).extracting(Sample::value).containsExactly(1.5, 2.0);
        assertThat(m.samples().get(0).labels()).isEqualTo(Labels.of("a", "b"));
        assertThat(m.type("g")).isEqualTo(MetricType.GAUGE);
    }

    @Test
    void helpTextUnescapesBackslashNewlineAndQuoteAndKeepsOtherBackslashes() {
        MetricsSnapshot m = parse("# HELP h  two\\nlines \\\\ \\\"q\\\" C:\\temp \n# TYPE h gauge\nh 1\n");
        assertThat(m.help("h")).hasValue("two\nlines \\ \"q\" C:\\temp ");
    }

    @Test
    void commentsThatAreNotMetadataAreIgnored() {
        MetricsSnapshot m = parse("# just a comment\n#HELP x not metadata\n# HELPER x\n#\n# TYPE\tx\tgauge\nx 1\n");
        assertThat(m.type("x")).isEqualTo(MetricType.GAUGE);
        assertThat(m.help("x")).isEmpty();
        assertThat(m.samples()).hasSize(1);
    }

    @Test
    void timestampsInMillisecondsFor004() {
        MetricsSnapshot m = parse("a 1 1520879607789\nb 2 -5\nc 3\n");
        assertThat(m.samples()).extracting(Sample::timestampMillis)
                .containsExactly(OptionalLong.of(1520879607789L), OptionalLong.of(-5), OptionalLong.empty());
        assertThat(m.isOpenMetrics()).isFalse();
    }

    @Test
    void dcgmExporterLines() {
        MetricsSnapshot m = parse("""
                # HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
                # TYPE DCGM_FI_DEV_GPU_UTIL gauge
                DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-5fb4a8c1-6e2b-2b41-9d4e-0a1b2c3d4e5f",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="n1"} 87
                DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-0000",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="n1"} 13
                # HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
                # TYPE DCGM_FI_DEV_POWER_USAGE gauge
                DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-5fb4a8c1",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="n1"} 312.456000
                """);
        assertThat(m.sum("DCGM_FI_DEV_GPU_UTIL")).isEqualTo(100.0);
        assertThat(m.sumOf("DCGM_FI_DEV_GPU_UTIL", "gpu", "0")).hasValue(87.0);
        assertThat(m.samples("DCGM_FI_DEV_POWER_USAGE").get(0).value()).isEqualTo(312.456);
        assertThat(m.samples("DCGM_FI_DEV_POWER_USAGE").get(0).label("modelName")).isEqualTo("NVIDIA H100 80GB HBM3");
    }

    @Test
    void openMetricsDocument() {
        MetricsSnapshot m = parse("""
                # TYPE vllm:num_preemptions counter
                # HELP vllm:num_preemptions Cumulative number of preemption from the engine.
                vllm:num_preemptions_total{engine="0",model_name="m"} 2.0 # {trace_id="abc"} 1.0 1520879607.5
                vllm:num_preemptions_created{engine="0",model_name="m"} 1.7e+09
                # TYPE rpc_seconds histogram
                # UNIT rpc_seconds seconds
                rpc_seconds_bucket{le="0.1"} 3 # {trace_id="x"} 0.05
                rpc_seconds_bucket{le="+Inf"} 5
                rpc_seconds_count 5 1520879607.789
                rpc_seconds_sum 1.25
                rpc_seconds_created 1520430000.123
                # TYPE build info
                build_info{version="1.2"} 1
                # TYPE door stateset
                door{door="open"} 1
                door{door="closed"} 0
                # TYPE queue gaugehistogram
                queue_bucket{le="+Inf"} 4
                queue_gcount 4
                queue_gsum 9
                # EOF
                """);
        assertThat(m.isOpenMetrics()).isTrue();
        MetricFamily preemptions = m.family("vllm:num_preemptions").orElseThrow();
        assertThat(preemptions.type()).isEqualTo(MetricType.COUNTER);
        assertThat(preemptions.samples()).extracting(Sample::name)
                .containsExactly("vllm:num_preemptions_total", "vllm:num_preemptions_created");
        assertThat(m.family("vllm:num_preemptions_created")).contains(preemptions);
        assertThat(m.sum("vllm:num_preemptions_total")).isEqualTo(2.0);
        MetricFamily rpc = m.family("rpc_seconds").orElseThrow();
        assertThat(rpc.unit()).isEqualTo("seconds");
        assertThat(rpc.samples()).hasSize(5);
        assertThat(m.samples("rpc_seconds_count").get(0).timestampMillis()).hasValue(1520879607789L);
        assertThat(m.type("build_info")).isEqualTo(MetricType.INFO);
        assertThat(m.family("door").orElseThrow().samples()).hasSize(2);
        assertThat(m.type("queue_gsum")).isEqualTo(MetricType.GAUGEHISTOGRAM);
        assertThat(m.family("queue").orElseThrow().samples()).hasSize(3);
    }

    @Test
    void openMetricsTimestampsAreSecondsAndMayBeIntegers() {
        MetricsSnapshot m = parse("a 1 1520879607\nb 1 -0.5\n# EOF");
        assertThat(m.samples()).extracting(s -> s.timestampMillis().getAsLong()).containsExactly(1520879607000L, -500L);
    }

    @Test
    void floatTimestampIsAnErrorIn004() {
        assertThatThrownBy(() -> PrometheusText.parse("a 1 1520879607.5\n"))
                .hasMessageContaining("integer milliseconds");
    }

    @Test
    void blankLinesMayFollowEof() {
        assertThat(parse("a 1\n# EOF\n\n  \n").samples()).hasSize(1);
    }

    @Test
    void familiesResolveOnlyWhenTheTypeAllowsTheSuffix() {
        MetricsSnapshot m = parse("""
                # TYPE g gauge
                g 1
                g_sum 2
                # TYPE s summary
                s{quantile="0.5"} 0.1
                s_sum 3
                s_count 4
                s_bucket 9
                u_bucket{le="1"} 1
                # TYPE c_total counter
                c_total 5
                """);
        assertThat(m.family("g_sum").orElseThrow().name()).isEqualTo("g_sum");
        assertThat(m.type("g_sum")).isEqualTo(MetricType.UNKNOWN);
        assertThat(m.family("s").orElseThrow().samples()).extracting(Sample::name)
                .containsExactly("s", "s_sum", "s_count");
        assertThat(m.family("s_bucket").orElseThrow().name()).isEqualTo("s_bucket");
        assertThat(m.family("u_bucket").orElseThrow().type()).isEqualTo(MetricType.UNKNOWN);
        assertThat(m.type("c_total")).isEqualTo(MetricType.COUNTER);
        assertThat(m.families()).extracting(MetricFamily::name)
                .containsExactly("g", "g_sum", "s", "s_bucket", "u_bucket", "c_total");
    }

    @Test
    void typeAndHelpMetadataWithoutSamplesIsKept() {
        MetricsSnapshot m = parse("# HELP lonely nothing yet\n# TYPE lonely counter\n");
        assertThat(m.family("lonely").orElseThrow().samples()).isEmpty();
        assertThat(m.has("lonely")).isFalse();
        assertThat(m.type("lonely")).isEqualTo(MetricType.COUNTER);
        assertThat(m.help("lonely")).hasValue("nothing yet");
    }

    @Test
    void typeWordsAreCaseInsensitiveAndUntypedIsUnknown() {
        MetricsSnapshot m = parse("# TYPE a GAUGE\n# TYPE b untyped\n# TYPE c unknown\n");
        assertThat(m.type("a")).isEqualTo(MetricType.GAUGE);
        assertThat(m.type("b")).isEqualTo(MetricType.UNKNOWN);
        assertThat(m.type("c")).isEqualTo(MetricType.UNKNOWN);
    }

    @Test
    void absentNamesAreEmptyNotNull() {
        MetricsSnapshot m = parse("");
        assertThat(m.samples()).isEmpty();
        assertThat(m.samples("nope")).isEmpty();
        assertThat(m.family("nope")).isEmpty();
        assertThat(m.type("nope")).isEqualTo(MetricType.UNKNOWN);
        assertThat(m.help("nope")).isEmpty();
        assertThat(m.sumOf("nope")).isEmpty();
        assertThat(m.sum("nope")).isZero();
        assertThat(m.sumOf("nope", "a", "b")).isEmpty();
    }

    @Test
    void allNaNSumsAreEmptyAndInfinitiesAdd() {
        MetricsSnapshot m = parse("n{a=\"1\"} NaN\nn{a=\"2\"} Nan\ni{a=\"1\"} +Inf\ni{a=\"2\"} 1\n");
        assertThat(m.sumOf("n")).isEmpty();
        assertThat(m.sum("n")).isZero();
        assertThat(m.sum("i")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void snapshotIsImmutable() {
        MetricsSnapshot m = parse("# TYPE a gauge\na 1\n");
        Sample extra = new Sample("a", Labels.EMPTY, 2);
        assertThatThrownBy(() -> m.samples().add(extra)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.samples("a").add(extra)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.family("a").orElseThrow().samples().add(extra))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.samples().get(0).labels().asMap().put("k", "v"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nulAndNonAsciiAreLegalInsideLabelValuesAndHelp() {
        MetricsSnapshot m = parse("# HELP a caf\u00e9 \u2603\na{v=\"x\u0000y \uD83D\uDE00\"} 1\n");
        assertThat(m.samples().get(0).label("v")).isEqualTo("x\u0000y \uD83D\uDE00");
        assertThat(m.help("a")).hasValue("caf\u00e9 \u2603");
    }

    @Test
    void parseUtf8DecodesNonAsciiAndTakesTheAsciiFastPathOtherwise() throws PrometheusParseException {
        String text = "# HELP a caf\u00e9\na{v=\"\u2603 \uD83D\uDE00\"} 1\n";
        MetricsSnapshot m = PrometheusText.parseUtf8(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(m.samples().get(0).label("v")).isEqualTo("\u2603 \uD83D\uDE00");
        assertThat(m.help("a")).hasValue("caf\u00e9");
        byte[] ascii = "a{v=\"x\"} 2\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(PrometheusText.parseUtf8(ascii).samples()).containsExactly(new Sample("a", Labels.of("v", "x"), 2));
    }

    @Test
    void largeLabelSetsAreSortedAndChecked() {
        StringBuilder line = new StringBuilder("big{");
        for (int i = 999; i >= 0; i--) {
            line.append("l").append(i).append("=\"").append(i).append("\",");
        }
        MetricsSnapshot m = parse(line.append("} 1\n").toString());
        Labels labels = m.samples().get(0).labels();
        assertThat(labels.size()).isEqualTo(1000);
        assertThat(labels.get("l0")).isEqualTo("0");
        assertThat(labels.get("l999")).isEqualTo("999");
        assertThatThrownBy(() -> PrometheusText.parse(line.toString().replace("l500=", "l501=")))
                .hasMessageContaining("duplicate label name 'l501'");
    }

    @Test
    void sampleToStringRendersTextFormat() {
        Sample s = new Sample("a", Labels.of("b", "q\"\\\n"), Double.NEGATIVE_INFINITY, OptionalLong.of(7));
        assertThat(s).hasToString("a{b=\"q\\\"\\\\\\n\"} -Inf 7");
    }

    @Test
    void labelsOfValidates() {
        assertThat(Labels.of("b", "2", "a", "1")).isEqualTo(Labels.of(java.util.Map.of("a", "1", "b", "2")));
        assertThat(Labels.of("b", "2", "a", "1").name(0)).isEqualTo("a");
        assertThatThrownBy(() -> Labels.of("a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Labels.of("1a", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Labels.of("a", "x", "a", "y")).hasMessageContaining("duplicate");
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new ParseLimits(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParseLimits.DEFAULT.withMaxLineChars(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ParseLimits.DEFAULT).isEqualTo(new ParseLimits(16 << 20, 1 << 20));
    }
}
