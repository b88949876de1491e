package io.fleetlb.sim.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in, calibrated profiles (research: vllm-facts.md section 4).
 *
 * <p>Step costs are fitted to the decode table of section 4.3 (8B on an H100: about 7 ms per token
 * alone, 9 ms at batch 32, 16 ms at batch 128, 27 ms at batch 256 with 1k-token contexts) and to
 * the sustained prefill rates (8B about 35k tok/s, Qwen 7B 37k tok/s, 70B AWQ 3.7k tok/s); KV
 * capacities come from section 4.2 (449k, 1.04M and 102k tokens).
 */
public final class Profiles {

  private static final Map<String, Profile> BUILT_IN = new LinkedHashMap<>();

  static {
    GpuSpec h100 = GpuSpec.h100Sxm();
    add(
        new Profile(
            "llama-3.1-8b-h100",
            "meta-llama/Llama-3.1-8B-Instruct, bf16, one H100 SXM 80GB, vLLM V1 defaults",
            28_062,
            16,
            131_072,
            1024,
            8192,
            new StepCost(0.74, 6.2, 0.027, 0.010, 6.0e-5, 1.0e-6),
            h100,
            180,
            0.8));
    add(
        new Profile(
            "qwen2.5-7b-h100",
            "Qwen/Qwen2.5-7B-Instruct, bf16, one H100 SXM 80GB, vLLM V1 defaults",
            64_960,
            16,
            32_768,
            1024,
            8192,
            new StepCost(0.74, 6.0, 0.026, 0.0075, 2.6e-5, 0.77e-6),
            h100,
            180,
            0.8));
    add(
        new Profile(
            "llama-3.3-70b-awq-h100",
            "meta-llama/Llama-3.3-70B-Instruct AWQ int4 (Marlin), one H100 SXM 80GB, max_model_len"
                + " 32768",
            6_400,
            16,
            32_768,
            1024,
            8192,
            new StepCost(1.5, 16.3, 0.263, 0.030, 1.5e-4, 5.0e-6),
            h100,
            180,
            0.8));
  }

  private Profiles() {}

  private static void add(Profile p) {
    BUILT_IN.put(p.id(), p);
  }

  /** The profile with this id, if built in. */
  public static Optional<Profile> byId(String id) {
    return Optional.ofNullable(BUILT_IN.get(id));
  }

  /** Ids of all built-in profiles, in a stable order. */
  public static Set<String> ids() {
    return BUILT_IN.keySet();
  }

  /**
   * The default profile for a served model name, chosen by name so that {@code --model} alone
   * works.
   */
  public static Profile forModel(String model) {
    String m = model.toLowerCase(java.util.Locale.ROOT);
    if (m.contains("70b")) {
      return BUILT_IN.get("llama-3.3-70b-awq-h100");
    }
    if (m.contains("qwen")) {
      return BUILT_IN.get("qwen2.5-7b-h100");
    }
    return BUILT_IN.get("llama-3.1-8b-h100");
  }
}
