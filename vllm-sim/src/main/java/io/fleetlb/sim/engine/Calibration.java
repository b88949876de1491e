package io.fleetlb.sim.engine;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints a profile's calibration points (decode step time by batch size, prefill throughput, KV
 * capacity), computed by running the engine in virtual time, so they can be compared with research
 * section 4.3.
 */
public final class Calibration {

  private Calibration() {}

  /**
   * Mean inter-token latency in milliseconds with {@code batch} sequences all decoding at about
   * {@code context} tokens of context: the mean duration of the steps in which every sequence
   * decodes.
   */
  public static double decodeItlMs(Profile profile, int batch, int context) {
    Engine engine =
        new Engine(
            profile,
            Math.max(batch, 1),
            profile.maxNumBatchedTokens(),
            1.0,
            new EngineMetrics(MetricsVersion.V1, profile.maxModelLen()));
    VirtualRun run = new VirtualRun(engine);
    int prefillSteps = (int) Math.ceil((double) batch * context / profile.maxNumBatchedTokens());
    int output = prefillSteps + 32;
    for (int i = 0; i < batch; i++) {
      run.arrive(
          0,
          i,
          new SequenceSpec(Math.max(1, context - output / 2), output, FinishReason.LENGTH, output));
    }
    run.runToCompletion();
    return run.steps().stream()
            .filter(p -> p.decodeSeqs() == batch)
            .mapToLong(StepPlan::durationNanos)
            .average()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the batch never decoded together (KV cache too small?)"))
        / 1e6;
  }

  /**
   * Sustained prefill throughput in tokens per second for a single prompt of {@code prompt} tokens.
   */
  public static double prefillTokensPerSecond(Profile profile, int prompt) {
    Engine engine =
        new Engine(
            profile,
            1,
            profile.maxNumBatchedTokens(),
            1.0,
            new EngineMetrics(MetricsVersion.V1, profile.maxModelLen()));
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 0, new SequenceSpec(prompt, 1, FinishReason.LENGTH, 1));
    run.runToCompletion();
    return prompt / (run.ttft(0) / 1e9);
  }

  /** Writes the calibration table of a profile. */
  public static void print(Profile p, PrintStream out) {
    out.printf(Locale.ROOT, "%s: %s%n", p.id(), p.description());
    out.printf(
        Locale.ROOT,
        "  KV cache: %,d blocks x %d = %,d tokens; max_model_len %,d; max_num_seqs %d;"
            + " max_num_batched_tokens %d%n",
        p.kvBlocks(),
        p.blockSize(),
        p.kvCapacityTokens(),
        p.maxModelLen(),
        p.maxNumSeqs(),
        p.maxNumBatchedTokens());
    StringBuilder itl = new StringBuilder("  decode ITL at 1k context:");
    for (int batch : new int[] {1, 32, 128, 256}) {
      if ((long) batch * 1100 <= p.kvCapacityTokens()) {
        itl.append(
            String.format(Locale.ROOT, " batch %d %.1f ms,", batch, decodeItlMs(p, batch, 1000)));
      } else {
        itl.append(String.format(Locale.ROOT, " batch %d does not fit the KV cache,", batch));
      }
    }
    out.println(itl.substring(0, itl.length() - 1));
    out.printf(
        Locale.ROOT,
        "  prefill: 512-token prompt %.0f tok/s, 2k %.0f tok/s, 8k %.0f tok/s%n",
        prefillTokensPerSecond(p, 512),
        prefillTokensPerSecond(p, 2048),
        prefillTokensPerSecond(p, 8192));
  }
}
