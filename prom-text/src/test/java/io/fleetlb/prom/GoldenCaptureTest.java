package io.fleetlb.prom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The parser on real vLLM scrapes: exact values a router and the bench read from them. */
class GoldenCaptureTest {

    private static final String QWEN3 = "Qwen/Qwen3-4B-Instruct-2507-FP8";
    private static final String QWEN25 = "Qwen/Qwen2.5-Coder-1.5B-Instruct";

    @Nested
    class V1 {
        private final String text = Captures.text(Captures.V1);
        private final MetricsSnapshot m = parse(text);

        @Test
        void captureIsTheByteExactCopyWithoutTrailingNewline() {
            byte[] bytes = Captures.bytes(Captures.V1);
            assertThat(bytes).hasSize(46_656);
            assertThat(bytes[bytes.length - 1]).isNotEqualTo((byte) '\n');
        }

        @Test
        void everySampleLineBecomesOneSample() {
            long sampleLines = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
            assertThat(sampleLines).isEqualTo(360);
            assertThat(m.samples()).hasSize(360);
            assertThat(m.isOpenMetrics()).isFalse();
        }

        @Test
        void loadGaugesSummedOverEngine() {
            assertThat(m.sumOf("vllm:num_requests_running")).hasValue(0.0);
            assertThat(m.sumOf("vllm:num_requests_waiting")).hasValue(0.0);
            assertThat(m.sumOf("vllm:kv_cache_usage_perc")).hasValue(0.0011764705882353343);
            assertThat(m.sumOf("vllm:kv_cache_usage_perc", "model_name", QWEN3)).hasValue(0.0011764705882353343);
            assertThat(m.sumOf("vllm:kv_cache_usage_perc", "model_name", "other")).isEmpty();
            assertThat(m.samples("vllm:kv_cache_usage_perc").get(0).labels())
                    .isEqualTo(Labels.of("model_name", QWEN3, "engine", "0"));
            assertThat(m.has("vllm:num_requests_swapped")).isFalse();
            assertThat(m.sumOf("vllm:num_requests_swapped")).isEmpty();
            assertThat(m.sum("vllm:num_requests_swapped")).isZero();
        }

        @Test
        void successCountersByFinishedReason() {
            String name = "vllm:request_success_total";
            assertThat(m.samples(name)).hasSize(3);
            assertThat(m.sumOf(name, "finished_reason", "stop")).hasValue(6.0);
            assertThat(m.sumOf(name, "finished_reason", "length")).hasValue(0.0);
            assertThat(m.sumOf(name, "finished_reason", "abort")).hasValue(0.0);
            assertThat(m.sum(name)).isEqualTo(6.0);
            assertThat(m.type(name)).isEqualTo(MetricType.COUNTER);
            assertThat(m.help(name)).hasValue("Count of successfully processed requests.");
        }

        @Test
        void createdSeriesAreTheirOwnGaugeFamilies() {
            List<Sample> created = m.samples("vllm:request_success_created");
            assertThat(created).extracting(s -> s.label("finished_reason")).containsExactly("stop", "length", "abort");
            assertThat(created.get(0).value()).isEqualTo(1.771042457420997e+09);
            assertThat(m.type("vllm:request_success_created")).isEqualTo(MetricType.GAUGE);
            assertThat(m.family("vllm:request_success_created")).get()
                    .extracting(MetricFamily::name).isEqualTo("vllm:request_success_created");
        }

        @Test
        void threeDigitExponent() {
            assertThat(m.sumOf("process_virtual_memory_bytes")).hasValue(1.372014592e10);
            assertThat(m.sumOf("process_resident_memory_bytes")).hasValue(1.109622784e9);
            assertThat(m.sumOf("process_cpu_seconds_total")).hasValue(14.040000000000001);
        }

        @Test
        void ttftHistogram() {
            String family = "vllm:time_to_first_token_seconds";
            List<Sample> buckets = m.samples(family + "_bucket");
            assertThat(buckets).hasSize(23);
            assertThat(buckets.get(0).label("le")).isEqualTo("0.001");
            assertThat(buckets.get(22).label("le")).isEqualTo("+Inf");
            assertThat(buckets.get(22).value()).isEqualTo(6.0);
            assertThat(m.sumOf(family + "_count")).hasValue(6.0);
            assertThat(m.sumOf(family + "_sum")).hasValue(0.24629998207092285);
            MetricFamily f = m.family(family + "_bucket").orElseThrow();
            assertThat(f.name()).isEqualTo(family);
            assertThat(f.type()).isEqualTo(MetricType.HISTOGRAM);
            assertThat(f.samples()).hasSize(25);
            assertThat(m.type(family + "_sum")).isEqualTo(MetricType.HISTOGRAM);
            assertThat(m.help(family + "_count")).hasValue("Histogram of time to first token in seconds.");
        }

        @Test
        void helpTextKeepsItsTrailingSpace() {
            assertThat(m.help("http_request_size_bytes")).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .endsWith("No percentile calculated. ");
        }

        @Test
        void labelValuesWithSlashesAndInfoGauges() {
            assertThat(m.samples("http_requests_total"))
                    .anySatisfy(s -> assertThat(s.label("handler")).isEqualTo("/v1/chat/completions"));
            Sample info = m.samples("python_info").get(0);
            assertThat(info.labels().asMap()).containsEntry("implementation", "CPython").containsEntry("version", "3.12.3");
            Sample cache = m.samples("vllm:cache_config_info").get(0);
            assertThat(cache.label("block_size")).isEqualTo("16");
            assertThat(Double.parseDouble(cache.label("num_gpu_blocks"))).isPositive();
        }

        @Test
        void parsesIdenticallyFromUtf8Bytes() throws PrometheusParseException {
            MetricsSnapshot fromBytes = PrometheusText.parseUtf8(Captures.bytes(Captures.V1));
            assertThat(fromBytes.samples()).isEqualTo(m.samples());
        }
    }

    @Nested
    class V0 {
        private final String text = Captures.text(Captures.V0);
        private final MetricsSnapshot m = parse(text);

        @Test
        void loadGaugesAndV0OnlyFamilies() {
            assertThat(m.sumOf("vllm:num_requests_running")).hasValue(0.0);
            assertThat(m.sumOf("vllm:num_requests_waiting")).hasValue(0.0);
            assertThat(m.sumOf("vllm:num_requests_swapped")).hasValue(0.0);
            assertThat(m.sumOf("vllm:gpu_cache_usage_perc")).hasValue(0.0);
            assertThat(m.sumOf("vllm:gpu_cache_usage_perc", "model_name", QWEN25)).hasValue(0.0);
            assertThat(m.has("vllm:kv_cache_usage_perc")).isFalse();
            assertThat(m.sumOf("vllm:gpu_prefix_cache_hit_rate")).hasValue(-1.0);
            assertThat(m.sumOf("vllm:prompt_tokens_total")).hasValue(148.0);
            assertThat(m.sumOf("vllm:generation_tokens_total")).hasValue(955.0);
            assertThat(m.sumOf("vllm:request_success_total", "finished_reason", "stop")).hasValue(4.0);
        }

        @Test
        void typeWithoutHelpAndEmptyLabelValues() {
            assertThat(m.type("vllm:cache_config_info")).isEqualTo(MetricType.GAUGE);
            assertThat(m.help("vllm:cache_config_info")).isEmpty();
            assertThat(m.samples("vllm:cache_config_info").get(0).label("swap_space_bytes")).isEqualTo("4294967296");
            Sample lora = m.samples("vllm:lora_requests_info").get(0);
            assertThat(lora.label("running_lora_adapters")).isEmpty();
            assertThat(lora.label("waiting_lora_adapters")).isEmpty();
            assertThat(lora.value()).isEqualTo(1.7382173358407154e+09);
        }

        @Test
        void truncatedHistogramWithSumFirstStillParses() {
            MetricFamily f = m.family("vllm:iteration_tokens_total").orElseThrow();
            assertThat(f.type()).isEqualTo(MetricType.HISTOGRAM);
            assertThat(f.samples().get(0).name()).isEqualTo("vllm:iteration_tokens_total_sum");
            assertThat(f.samples()).hasSize(16);
            assertThat(m.samples("vllm:iteration_tokens_total_bucket")).hasSize(15)
                    .noneMatch(s -> "+Inf".equals(s.label("le")));
            assertThat(m.has("vllm:iteration_tokens_total_count")).isFalse();
            assertThat(m.samples()).hasSize(29);
        }

        @Test
        void aLineCutInsideTheInputIsAnErrorNamingThatLine() {
            int cut = text.indexOf("vllm:gpu_cache_usage_perc{model_name=\"Qwen/") + 40;
            String cutLine = text.substring(0, cut) + "\n" + text.substring(text.indexOf('\n', cut) + 1);
            int line = (int) text.substring(0, cut).chars().filter(c -> c == '\n').count() + 1;
            assertThatThrownBy(() -> PrometheusText.parse(cutLine))
                    .isInstanceOfSatisfying(PrometheusParseException.class, e -> {
                        assertThat(e.line()).isEqualTo(line);
                        assertThat(e.getMessage()).startsWith("line " + line + ",").contains("unterminated label value");
                    });
        }

        @Test
        void aScrapeCutMidLineAtTheEndIsAnErrorButCutBetweenLinesIsNot() {
            String cutBetweenLines = text.substring(0, text.indexOf("vllm:num_requests_waiting{"));
            assertThat(parse(cutBetweenLines).has("vllm:num_requests_swapped")).isTrue();
            String cutInLabels = text.substring(0, text.indexOf("vllm:num_requests_waiting{") + 30);
            assertThatThrownBy(() -> PrometheusText.parse(cutInLabels)).isInstanceOf(PrometheusParseException.class);
            String cutAfterLabels = text.substring(0, text.indexOf("} 0.0", text.indexOf("vllm:num_requests_waiting{")) + 1);
            assertThatThrownBy(() -> PrometheusText.parse(cutAfterLabels)).hasMessageContaining("missing value");
        }
    }

    @Test
    void dataParallelEnginesAreSummed() {
        String dp = """
                # HELP vllm:num_requests_running Number of requests in model execution batches.
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{engine="0",model_name="m"} 3.0
                vllm:num_requests_running{engine="1",model_name="m"} 5.0
                # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
                # TYPE vllm:kv_cache_usage_perc gauge
                vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
                vllm:kv_cache_usage_perc{engine="1",model_name="m"} NaN
                vllm:kv_cache_usage_perc{engine="2",model_name="m"} 0.5
                """;
        MetricsSnapshot m = parse(dp);
        assertThat(m.sum("vllm:num_requests_running")).isEqualTo(8.0);
        assertThat(m.sumOf("vllm:num_requests_running", "engine", "1")).hasValue(5.0);
        assertThat(m.sumOf("vllm:kv_cache_usage_perc")).hasValue(0.75);
        assertThat(m.sumOf("vllm:kv_cache_usage_perc", "engine", "1")).isEqualTo(OptionalDouble.empty());
    }

    static MetricsSnapshot parse(String text) {
        try {
            return PrometheusText.parse(text);
        } catch (PrometheusParseException e) {
            throw new AssertionError(e);
        }
    }
}
