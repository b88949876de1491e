package io.fleetlb.sim.api;

import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.SequenceSpec;
import io.fleetlb.sim.tokens.OutputLength;
import java.util.SplittableRandom;

/**
 * The simulator's own reading of a chat request for the virtual-time evaluation: vllm-sim's
 * {@link RequestParser} (package-private, hence this class in its package on the test class path)
 * and the engine spec {@code ReplicaHttp} plans from it, so a virtual run submits exactly the
 * prompt blocks (equal text prefixes, equal block hashes) and output length a replica would.
 */
public final class SimRequests {
  private final Profile profile;
  private final RequestParser parser;

  /** A reader for replicas serving {@code servedModel} on {@code profile} (V1 metrics). */
  public SimRequests(String servedModel, Profile profile) {
    this.profile = profile;
    this.parser = new RequestParser(servedModel, profile.maxModelLen(), MetricsVersion.V1,
        profile.blockSize());
  }

  /**
   * The engine's view of a {@code /v1/chat/completions} body, as {@code ReplicaHttp} plans it: the
   * output length is the bound with {@code ignore_eos}, else drawn from the profile with the
   * body's {@code seed} (required then, so the run is reproducible).
   */
  public SequenceSpec chat(byte[] body) {
    GenerationRequest g;
    try {
      g = parser.parse(body, true);
    } catch (ApiError.Failure f) {
      throw new IllegalArgumentException("vllm-sim refuses this body: " + f.error.message());
    }
    if (!g.ignoreEos() && g.seed() == null) {
      throw new IllegalArgumentException(
          "a request without ignore_eos needs a seed for a reproducible output length");
    }
    SplittableRandom r = new SplittableRandom(g.seed() == null ? 0 : g.seed());
    int output = g.maxTokens();
    FinishReason reason = FinishReason.LENGTH;
    if (!g.ignoreEos()) {
      int drawn = OutputLength.sample(r, profile.outputMedian(), profile.outputSigma(),
          g.minTokens());
      if (drawn < g.maxTokens()) {
        output = drawn;
        reason = FinishReason.STOP;
      }
    }
    return new SequenceSpec(g.promptTokens(), output, reason, g.maxTokens(), g.prompt(),
        r.nextLong());
  }
}
