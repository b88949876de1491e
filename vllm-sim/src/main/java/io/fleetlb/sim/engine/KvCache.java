package io.fleetlb.sim.engine;

/**
 * Paged KV-cache accounting in fixed-size blocks, as vLLM's block pool does it.
 *
 * <p>Only counts matter to the timing and the metrics, so blocks carry no ids; a sequence holds
 * {@code ceil(tokens / blockSize)} blocks for the tokens it has computed or is about to compute.
 */
final class KvCache {

  private final int totalBlocks;
  private final int blockSize;
  private int usedBlocks;

  KvCache(int totalBlocks, int blockSize) {
    this.totalBlocks = totalBlocks;
    this.blockSize = blockSize;
  }

  /**
   * Grows the sequence's allocation to hold {@code tokens} tokens; false (and no change) if full.
   */
  boolean tryGrow(Sequence s, int tokens) {
    int need = blocksFor(tokens) - s.blocks;
    if (need <= 0) {
      return true;
    }
    if (usedBlocks + need > totalBlocks) {
      return false;
    }
    usedBlocks += need;
    s.blocks += need;
    return true;
  }

  void free(Sequence s) {
    usedBlocks -= s.blocks;
    s.blocks = 0;
  }

  int blocksFor(int tokens) {
    return (tokens + blockSize - 1) / blockSize;
  }

  int usedBlocks() {
    return usedBlocks;
  }

  int totalBlocks() {
    return totalBlocks;
  }

  double usage() {
    return totalBlocks == 0 ? 0.0 : (double) usedBlocks / totalBlocks;
  }
}
