package io.fleetlb.sim.tokens;

/**
 * A prompt as the prefix cache sees it: the chained hashes of its full blocks and the token ids of
 * its last, partial block.
 *
 * <p>Block {@code i}'s hash covers the ids of tokens {@code [i * blockSize, (i + 1) * blockSize)}
 * and the hash of block {@code i - 1} (the first block chains from the model's seed), as vLLM's
 * {@code hash_block_tokens} does: equal hashes mean equal prefixes, and an equal block after a
 * different prefix hashes differently. Immutable once built; the arrays are never modified.
 *
 * @param tokens prompt length in tokens
 * @param blockSize tokens per block
 * @param fullBlockHashes one hash per full block, in order
 * @param tail ids of the tokens after the last full block (fewer than {@code blockSize})
 * @param seed the chain's seed (the hash of the served model's name)
 */
public record PromptBlocks(
    int tokens, int blockSize, long[] fullBlockHashes, long[] tail, long seed) {

  public PromptBlocks {
    if (blockSize < 1
        || tail.length >= blockSize
        || (long) fullBlockHashes.length * blockSize + tail.length != tokens) {
      throw new IllegalArgumentException(
          "inconsistent prompt blocks: tokens="
              + tokens
              + " blocks="
              + fullBlockHashes.length
              + " tail="
              + tail.length
              + " blockSize="
              + blockSize);
    }
  }

  /**
   * Hash of the last full block, or the seed when there is none (what the next block chains on).
   */
  public long lastHash() {
    return fullBlockHashes.length == 0 ? seed : fullBlockHashes[fullBlockHashes.length - 1];
  }
}
