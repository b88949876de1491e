package io.fleetlb.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.bench.workload.WorkloadRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapEstimateTest {
  private static List<WorkloadRequest> workload(int n, int bodyBytes, int outputTokens) {
    List<WorkloadRequest> rs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rs.add(
          new WorkloadRequest(
              i, i * 1_000_000L, "m", "/v1/completions", "c", 10, outputTokens,
              new byte[bodyBytes]));
    }
    return rs;
  }

  @Test
  void countsBodiesOutputTokensAndASharePerRequest() {
    assertThat(HeapEstimate.bytes(workload(10, 1_000, 100)))
        .isEqualTo(10 * (1_000 + HeapEstimate.BYTES_PER_REQUEST + 100 * 64));
  }

  @Test
  void aSmallWorkloadGetsNoWarning() {
    assertThat(HeapEstimate.warning(workload(1_000, 4_000, 256), 1L << 30)).isNull();
  }

  @Test
  void aWorkloadBeyondTheHeapIsNamedWithTheHeapToAskFor() {
    // 100,000 requests of 8 KB prompts and 1,000 output tokens: about 7.6 GB (7.1 GiB)
    String w = HeapEstimate.warning(workload(100_000, 8_000, 1_000), 1L << 30);
    assertThat(w)
        .contains("100000 requests")
        .contains("the JVM has 1024 MiB")
        .contains("BENCH_HEAP=11g")
        .contains("-Xmx11g");
  }
}
