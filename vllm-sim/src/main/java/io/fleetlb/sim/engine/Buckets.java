package io.fleetlb.sim.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's histogram bucket boundaries, per metric and metrics version (vllm-facts.md 1.2 and 1.3).
 */
public final class Buckets {

  public static final double[] TTFT_V0 = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
  };
  public static final double[] TTFT_V1 = concat(TTFT_V0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0);
  public static final double[] TPOT_V0 = {
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5
  };
  public static final double[] TPOT_V1 = concat(TPOT_V0, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0);
  public static final double[] LATENCY_V0 = {
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0
  };
  public static final double[] LATENCY_V1 =
      concat(LATENCY_V0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0);
  public static final double[] ITERATION_TOKENS_V0 = {
    1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8096
  };
  public static final double[] ITERATION_TOKENS_V1 = {
    1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384
  };
  public static final double[] PARAMS_N = {1, 2, 5, 10, 20};

  private Buckets() {}

  /**
   * vLLM's {@code build_1_2_5_buckets(max_model_len)}: 1, 2, 5, 10, 20, 50, ... up to the limit.
   */
  public static double[] oneTwoFive(int max) {
    List<Double> out = new ArrayList<>();
    int[] mantissas = {1, 2, 5};
    for (long exponent = 1; ; exponent *= 10) {
      for (int m : mantissas) {
        long v = m * exponent;
        if (v > max) {
          return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
        out.add((double) v);
      }
    }
  }

  private static double[] concat(double[] head, double... tail) {
    double[] out = new double[head.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
