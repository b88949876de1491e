package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.sim.engine.SequenceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A frozen open-loop request list for the virtual-time evaluation: Gamma-distributed gaps (vLLM
 * bench's burstiness), log-normal prompt and output lengths, all from one seed.
 */
final class Workload {
  /**
   * One request: when it arrives (virtual ns; a later session turn: its session's start, a lower
   * bound), its true prompt and output tokens, its bound; for a request read from a bench file
   * also what the router reads from its body ({@code info}, with the prompt text), what the
   * simulator plans from it ({@code spec}, with the prompt's block hashes) and its place in a
   * session ({@code turn}, null for a request of its own).
   */
  record Request(long atNanos, int promptTokens, int outputTokens, int maxTokens,
      RequestInfo info, SequenceSpec spec, Turn turn) {
    /** A request known by its sizes alone (no text, no prefix identity). */
    Request(long atNanos, int promptTokens, int outputTokens, int maxTokens) {
      this(atNanos, promptTokens, outputTokens, maxTokens, null, null, null);
    }
  }

  /** A request's place in a multi-turn session: due {@code thinkNanos} after the previous turn. */
  record Turn(int session, int index, long thinkNanos) {}

  private Workload() {}

  /**
   * Generates {@code n} requests at {@code rate} per second.
   *
   * @param burstiness Gamma shape of the gaps (1 = Poisson, below 1 burstier)
   * @param promptMedian median prompt tokens (log-normal, sigma {@code promptSigma})
   * @param outputMedian median output tokens (log-normal, sigma {@code outputSigma}): the
   *     heavy tail that makes round-robin stack long requests
   * @param maxTokens every request's output bound (outputs are clamped to it)
   */
  static List<Request> generate(long seed, int n, double rate, double burstiness,
      int promptMedian, double promptSigma, int maxPrompt, int outputMedian, double outputSigma,
      int maxTokens) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Request> out = new ArrayList<>(n);
    double t = 0;
    for (int i = 0; i < n; i++) {
      t += gamma(r, burstiness) / (rate * burstiness);
      int prompt = (int) clamp(Math.round(promptMedian * Math.exp(promptSigma * normal(r))), 16,
          maxPrompt);
      int output = (int) clamp(Math.round(outputMedian * Math.exp(outputSigma * normal(r))), 1,
          maxTokens);
      out.add(new Request((long) (t * 1e9), prompt, output, maxTokens));
    }
    return out;
  }

  /**
   * Reads a frozen bench workload file ({@code bench.jar workload}): each request's offset,
   * expected prompt and output tokens and its output bound, so a virtual run replays exactly
   * what a real-time run sends.
   */
  static List<Request> fromBenchFile(java.nio.file.Path file) throws java.io.IOException {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = java.nio.file.Files.readAllLines(file);
    List<Request> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      com.fasterxml.jackson.databind.JsonNode n = json.readTree(line);
      com.fasterxml.jackson.databind.JsonNode body = n.get("body");
      int output = n.get("output_tokens").asInt();
      int max = body.path("max_completion_tokens").asInt(body.path("max_tokens").asInt(output));
      // The simulator's chat template adds 5 tokens per message plus 5.
      out.add(new Request(n.get("offset_ns").asLong(), n.get("input_tokens").asInt() + 10,
          output, Math.max(max, output)));
    }
    return out;
  }

  private static long clamp(long v, long min, long max) {
    return Math.max(min, Math.min(max, v));
  }

  private static double normal(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** Marsaglia-Tsang, with the usual boost for shapes below 1. */
  private static double gamma(SplittableRandom r, double k) {
    if (k < 1) {
      return gamma(r, 1 + k) * Math.pow(r.nextDouble(), 1 / k);
    }
    double d = k - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(r);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = r.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
