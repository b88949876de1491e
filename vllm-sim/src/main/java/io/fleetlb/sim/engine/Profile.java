package io.fleetlb.sim.engine;

/**
 * Everything that makes one simulated replica behave like a given model on a given GPU.
 *
 * @param id profile id used on the command line, e.g. {@code llama-3.1-8b-h100}
 * @param description one line for humans
 * @param kvBlocks KV-cache capacity in blocks (research section 4.2)
 * @param blockSize tokens per KV block (16 in vLLM)
 * @param maxModelLen the context window the server was started with
 * @param maxNumSeqs default {@code max_num_seqs} (V1 on an H100: 1024)
 * @param maxNumBatchedTokens default token budget per step (V1: 8192)
 * @param cost the step-time model
 * @param gpu the GPU reported by telemetry
 * @param outputMedian median output length (tokens, EOS included) when a request does not ignore
 *     EOS
 * @param outputSigma log-normal sigma of that output length
 */
public record Profile(
    String id,
    String description,
    int kvBlocks,
    int blockSize,
    int maxModelLen,
    int maxNumSeqs,
    int maxNumBatchedTokens,
    StepCost cost,
    GpuSpec gpu,
    int outputMedian,
    double outputSigma) {

  /** KV-cache capacity in tokens. */
  public long kvCapacityTokens() {
    return (long) kvBlocks * blockSize;
  }
}
