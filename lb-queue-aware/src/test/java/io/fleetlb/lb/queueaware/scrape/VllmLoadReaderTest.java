package io.fleetlb.lb.queueaware.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.PrometheusText;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** What a snapshot is made of, on the real V1 and V0 captures and on the edge cases. */
class VllmLoadReaderTest {
  static byte[] capture(String name) throws IOException {
    try (InputStream in = VllmLoadReaderTest.class.getResourceAsStream("/captures/" + name)) {
      return in.readAllBytes();
    }
  }

  private static ReplicaLoad read(String text, String model) throws Exception {
    return VllmLoadReader.read(PrometheusText.parse(text), model, 42, 3, 700);
  }

  @Test
  void readsTheRealV1Capture() throws Exception {
    MetricsSnapshot m = PrometheusText.parseUtf8(capture("vllm-metrics-v1.txt"));
    ReplicaLoad l = VllmLoadReader.read(m, "Qwen/Qwen3-4B-Instruct-2507-FP8", 42, 3, 700);
    assertThat(l.running()).isZero();
    assertThat(l.waiting()).isZero();
    // kv_cache_usage_perc, not the deprecated gpu_cache_usage_perc beside it.
    assertThat(l.kvUsage()).isEqualTo(0.0011764705882353343);
    assertThat(l.kvCapacityTokens()).as("850 blocks x 16").isEqualTo(13_600);
    assertThat(l.scrapedAtNanos()).isEqualTo(42);
    assertThat(l.localInFlight()).isEqualTo(3);
    assertThat(l.localInFlightTokens()).isEqualTo(700);
  }

  @Test
  void readsTokenTimingFromTheInterTokenHistogram() throws Exception {
    MetricsSnapshot m = PrometheusText.parseUtf8(capture("vllm-metrics-v1.txt"));
    ReplicaLoad l = VllmLoadReader.read(m, "Qwen/Qwen3-4B-Instruct-2507-FP8", 42, 3, 700);
    // this capture (v0.10) has only the older name
    assertThat(l.itlCount()).isEqualTo(1733.0);
    assertThat(l.itlSumSeconds()).isEqualTo(41.111971570000605);
    assertThat(l.hasTpot()).as("one scrape is no rate").isFalse();

    ReplicaLoad both = read("""
        vllm:num_requests_running{engine="0",model_name="m"} 3.0
        vllm:inter_token_latency_seconds_sum{engine="0",model_name="m"} 2.0
        vllm:inter_token_latency_seconds_count{engine="0",model_name="m"} 100.0
        vllm:inter_token_latency_seconds_sum{engine="1",model_name="m"} 1.0
        vllm:inter_token_latency_seconds_count{engine="1",model_name="m"} 50.0
        vllm:time_per_output_token_seconds_sum{engine="0",model_name="m"} 9.0
        vllm:time_per_output_token_seconds_count{engine="0",model_name="m"} 9.0
        """, "m");
    assertThat(both.itlSumSeconds()).as("the current name wins, summed over engines").isEqualTo(3.0);
    assertThat(both.itlCount()).isEqualTo(150.0);

    ReplicaLoad none = read("vllm:num_requests_running{model_name=\"m\"} 1\n", "m");
    assertThat(none.itlCount()).isNaN();
    assertThat(none.withRecentTpot(none).hasTpot()).isFalse();
  }

  @Test
  void readsTheRealV0CaptureWithItsOwnNames() throws Exception {
    MetricsSnapshot m = PrometheusText.parseUtf8(capture("vllm-metrics-v0.6.txt"));
    ReplicaLoad l = VllmLoadReader.read(m, "Qwen/Qwen2.5-Coder-1.5B-Instruct", 42, 0, 0);
    assertThat(l.running()).isZero();
    assertThat(l.hasKvUsage()).as("gpu_cache_usage_perc").isTrue();
    assertThat(l.kvUsage()).isZero();
    assertThat(l.kvCapacityTokens()).as("81767 blocks x 16").isEqualTo(1_308_272);
  }

  @Test
  void sumsCountsOverEnginesAndAveragesKvUsage() throws Exception {
    ReplicaLoad l = read("""
        vllm:num_requests_running{engine="0",model_name="m"} 3.0
        vllm:num_requests_running{engine="1",model_name="m"} 4.0
        vllm:num_requests_waiting{engine="0",model_name="m"} 1.0
        vllm:num_requests_waiting{engine="1",model_name="m"} 2.0
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.5
        vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.7
        vllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="100"} 1.0
        vllm:cache_config_info{block_size="16",engine="1",num_gpu_blocks="200"} 1.0
        """, "m");
    assertThat(l.running()).isEqualTo(7);
    assertThat(l.waiting()).isEqualTo(3);
    assertThat(l.kvUsage()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(l.kvCapacityTokens()).isEqualTo(4800);
  }

  @Test
  void v0SwappedRequestsCountAsWaiting() throws Exception {
    ReplicaLoad l = read("""
        vllm:num_requests_running{model_name="m"} 2.0
        vllm:num_requests_waiting{model_name="m"} 1.0
        vllm:num_requests_swapped{model_name="m"} 5.0
        vllm:gpu_cache_usage_perc{model_name="m"} 0.99
        """, "m");
    assertThat(l.waiting()).isEqualTo(6);
    assertThat(l.kvUsage()).isEqualTo(0.99);
    assertThat(l.kvCapacityTokens()).as("no cache_config_info").isZero();
  }

  @Test
  void filtersByModelAndFallsBackToAllSeriesForAnAlias() throws Exception {
    String text = """
        vllm:num_requests_running{engine="0",model_name="base"} 5.0
        vllm:num_requests_running{engine="0",model_name="other"} 100.0
        """;
    assertThat(read(text, "base").running()).isEqualTo(5);
    // The replica serves "base" under an alias the router was configured with.
    assertThat(read("vllm:num_requests_running{model_name=\"base\"} 5.0\n", "alias").running())
        .isEqualTo(5);
  }

  @Test
  void missingOrNonsenseValuesNeverBecomeNegativeLoad() throws Exception {
    ReplicaLoad l = read("""
        vllm:num_requests_running{model_name="m"} NaN
        vllm:num_requests_waiting{model_name="m"} -3
        vllm:kv_cache_usage_perc{model_name="m"} 7
        vllm:cache_config_info{block_size="16",num_gpu_blocks="None"} 1.0
        """, "m");
    assertThat(l.running()).isZero();
    assertThat(l.waiting()).isZero();
    assertThat(l.kvUsage()).isEqualTo(1);
    assertThat(l.kvCapacityTokens()).isZero();
    assertThat(read("vllm:num_requests_running{model_name=\"m\"} 1\n", "m").hasKvUsage())
        .isFalse();
  }

  @Test
  void anExpositionWithoutVllmSeriesIsNotAVllmServer() {
    assertThatThrownBy(() -> read("# TYPE up gauge\nup 1\n", "m"))
        .isInstanceOfSatisfying(ScrapeException.class,
            e -> assertThat(e.reason()).isEqualTo(ScrapeFailure.NOT_VLLM))
        .hasMessageContaining("vllm:num_requests_running");
  }
}
