package io.fleetlb.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.results.ResultJson;
import io.fleetlb.results.RunResult;
import org.junit.jupiter.api.Test;

class ConsoleReportTest {
  @Test
  void vllmLayoutWidthsAndCentring() throws Exception {
    RunResult r =
        result(
            "{\"completed\":10,\"failed\":1,\"max_concurrency\":null,"
                + "\"request_rate\":2.5,\"duration\":4.0,\"total_input_tokens\":100,\"total_output_tokens\":50,"
                + "\"request_throughput\":2.5,\"request_goodput\":null,\"output_throughput\":12.5,\"max_output_tokens_per_s\":20,"
                + "\"max_concurrent_requests\":3,\"total_token_throughput\":37.5,\"mean_ttft_ms\":12.345,\"median_ttft_ms\":11,"
                + "\"std_ttft_ms\":1,\"p50_ttft_ms\":11,\"p99.9_ttft_ms\":30,\"valid\":true,\"validity\":{\"open_loop\":true,"
                + "\"offered_rate\":2.5,\"achieved_rate\":2.5,\"achieved_ratio\":1.0,\"reasons\":[],\"warnings\":[],\"errors\":{}}}");
    String text = ConsoleReport.render(r);
    assertThat(text).startsWith("============ Serving Benchmark Result ============\n");
    assertThat(text).contains("Successful requests:                     10        \n");
    assertThat(text).contains("Request rate configured (RPS):           2.50      \n");
    assertThat(text).contains("Peak concurrent requests:                3.00      \n");
    assertThat(text).contains("---------------Time to First Token----------------\n");
    assertThat(text).contains("Mean TTFT (ms):                          12.35     \n");
    assertThat(text).contains("P99.9 TTFT (ms):                         30.00     \n");
    assertThat(text).doesNotContain("Maximum request concurrency").doesNotContain("INVALID");
    assertThat(ConsoleReport.center("Inter-token Latency", '-'))
        .isEqualTo("---------------Inter-token Latency----------------");
  }

  @Test
  void invalidRunsGetABannerAtBothEnds() throws Exception {
    RunResult r =
        result(
            "{\"completed\":1,\"failed\":0,\"duration\":1,\"valid\":false,"
                + "\"validity\":{\"reasons\":[\"p99 schedule lag 3.000 ms exceeds 1.000 ms\"]}}");
    String text = ConsoleReport.render(r);
    assertThat(text).startsWith("!!!!!!!!!!");
    assertThat(text.split("INVALID RUN", -1)).hasSize(3);
    assertThat(text).contains("!! - p99 schedule lag 3.000 ms exceeds 1.000 ms");
  }

  private static RunResult result(String json) throws Exception {
    return ResultJson.fromTree(new ObjectMapper().readTree(json));
  }
}
